"""CPU a read of the ingest's pieces in one process, images as base64 in JSON and as MessagePack binary (ADR 0022):
decoding a batch of 500 reads and `service.prepare` (the images' base64 and JPEG checks).

Usage: PYTHONPATH=src:. python -m benchmarks.ingest_pieces
"""

from __future__ import annotations

import datetime as dt
import time

from benchmarks.server_ingest import make_batches
from platewatch.server.reads import fast_batch, service

BATCH = 500
CALLS = 10


def main() -> None:
    now = dt.datetime.now(dt.UTC)
    bodies = {
        "JSON, base64": (make_batches(BATCH, BATCH, True, 1)[0], fast_batch.decode),
        "MessagePack, binary": (make_batches(BATCH, BATCH, True, 1, binary=True)[0], fast_batch.decode_msgpack),
    }
    for name, (body, decode) in bodies.items():
        t0 = time.process_time()
        for _ in range(CALLS):
            reads = decode(body)
        decoding = (time.process_time() - t0) / CALLS / BATCH * 1e6
        assert reads is not None, "the benchmark's batch must take the fast path"
        t0 = time.process_time()
        for _ in range(CALLS):
            service.prepare(reads, now, 2_000_000, 14)
        preparing = (time.process_time() - t0) / CALLS / BATCH * 1e6
        size = len(body) / 1e6
        print(f"{name}: body {size:.1f} MB, decode {decoding:.1f} µs a read, prepare {preparing:.1f} µs a read")


if __name__ == "__main__":
    main()
