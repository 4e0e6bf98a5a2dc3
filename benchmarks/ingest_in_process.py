"""The server's CPU per read at ingest without uvicorn: the app (`app_from_env`, as a worker builds it) in this process,
batches posted through Starlette's TestClient by one client, on PostgreSQL. Steadier than `server_ingest` on a busy
machine (one process, no scheduling between workers and clients); used for issue 23's before/after comparison.

Usage: python -m benchmarks.ingest_in_process --pg-url URL [--images [--msgpack]] [--reads N] [--batch B]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
import warnings

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.process_cpu import postmaster_pid, tree_cpu_seconds
from benchmarks.report import load_1min
from benchmarks.server_ingest import make_batches
from platewatch.server.accounts import service as accounts
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.db.migrate import upgrade


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--images", action="store_true")
    ap.add_argument("--reads", type=int, default=None, help="20,000 (2,000 with images)")
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--msgpack", action="store_true", help="MessagePack bodies, images as binary (ADR 0022)")
    args = ap.parse_args()
    n = args.reads or (2000 if args.images else 20000)
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    name = f"inproc_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        engine = make_engine(url)
        with transaction(make_sessionmaker(engine)) as db:
            _, token = accounts.create_unit(db, "inproc", "mobile", "bench", "bench")
        engine.dispose()
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.update(PLATEWATCH_DATABASE_URL=url, PLATEWATCH_DATA_DIR=tmp, PLATEWATCH_PURGE_EVERY_MINUTES="0")
            print(run(args.pg_url, token, n, args.batch, args.images, args.msgpack), flush=True)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def run(pg_url: str, token: str, n: int, batch: int, images: bool, binary: bool = False) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        from platewatch.server.app import app_from_env
    batches = make_batches(n, batch, images, seed=1, binary=binary)
    warm = make_batches(2 * batch, batch, images, seed=2, binary=binary)
    postmaster = postmaster_pid(pg_url)
    kind = "application/msgpack" if binary else "application/json"
    headers = {"Authorization": f"Bearer {token}", "content-type": kind}
    with TestClient(app_from_env()) as client:
        for body in warm:
            client.post("/api/v1/reads", content=body, headers=headers).raise_for_status()
        cpu0, pg0, t0 = time.process_time(), tree_cpu_seconds(postmaster), time.perf_counter()
        for body in batches:
            client.post("/api/v1/reads", content=body, headers=headers).raise_for_status()
        cpu1, pg1, t1 = time.process_time(), tree_cpu_seconds(postmaster), time.perf_counter()
    return (
        f"{'with' if images else 'without'} images{' (MessagePack)' if binary else ''}, batches of {batch}: "
        f"process CPU {(cpu1 - cpu0) / n * 1e6:.1f} µs "
        f"a read, PostgreSQL {(pg1 - pg0) / n * 1e6:.1f} µs a read, {n / (t1 - t0):,.0f} reads/s (one client), "
        f"load {load_1min():.1f}"
    )


if __name__ == "__main__":
    main()
