"""Ingest throughput through the HTTP API (`POST /api/v1/reads`, batches of 500) on SQLite and PostgreSQL.

Usage: python -m benchmarks.server_ingest --pg-url URL [--reads N] [--batch B] [--clients C] [--runs R]
                                         [--backends sqlite,postgresql] [--section NAME]

Besides reads per second it reports the CPU time spent per read by the process trees it started (the server's,
the PostgreSQL cluster's, its own), from /proc, which stays comparable when other jobs share the machine.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import cv2
import httpx
import msgspec
import numpy as np
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.process_cpu import own_cpu_seconds, postmaster_pid, tree_cpu_seconds
from benchmarks.report import machine_load, write_section
from platewatch.server.accounts import service as accounts
from platewatch.server.db.base import uuid7
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.db.migrate import upgrade

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"


def random_plate(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(3)) + "".join(rng.choice(DIGITS) for _ in range(4))


def jpeg_b64(w: int, h: int, rng: random.Random) -> str:
    img = np.random.default_rng(rng.randrange(1 << 30)).integers(0, 255, (h, w, 3), dtype=np.uint8)
    img = cv2.GaussianBlur(img, (9, 9), 3)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return base64.b64encode(buf.tobytes()).decode()


def make_batches(n_reads: int, batch: int, images: bool, seed: int, binary: bool = False) -> list[bytes]:
    """Prebuilt request bodies: JSON with base64 images, or (`binary`) MessagePack with the JPEGs as bytes."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    plate_imgs = [jpeg_b64(160, 50, rng) for _ in range(20)] if images else []
    vehicle_imgs = [jpeg_b64(480, 320, rng) for _ in range(20)] if images else []
    out = []
    for start in range(0, n_reads, batch):
        reads = []
        for i in range(start, min(start + batch, n_reads)):
            plate = random_plate(rng)
            r = {
                "id": str(uuid7()),
                "camera": "front",
                "captured_at": (now - dt.timedelta(seconds=i)).isoformat(),
                "plate": plate,
                "confidence": 0.9,
                "candidates": [{"plate": plate, "confidence": 0.9}],
                "state": "CT",
                "state_confidence": 0.8,
                "latitude": 41.1 + rng.random() / 10,
                "longitude": -73.5 + rng.random() / 10,
                "heading": 90.0,
                "hotlist_version": 1,
            }
            if images:
                # Distinct crops per read would be realistic; 20 rotating images keep generation cheap but
                # every read still carries, decodes, checks and hashes its two images.
                r["plate_image"] = plate_imgs[i % 20]
                r["vehicle_image"] = vehicle_imgs[i % 20]
            reads.append(r)
        if binary:
            for r in reads:
                for key in ("plate_image", "vehicle_image"):
                    if key in r:
                        r[key] = base64.b64decode(r[key])
            out.append(msgspec.msgpack.encode({"reads": reads}))
        else:
            out.append(json.dumps({"reads": reads}).encode())
    return out


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_server(url: str, data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str, str]:
    upgrade(url)
    factory = make_sessionmaker(make_engine(url))
    with transaction(factory) as db:
        _, token = accounts.create_unit(db, f"bench-{uuid.uuid4().hex[:6]}", "mobile", "bench", "bench")
    port = free_port()
    env = {**os.environ, "PLATEWATCH_DATABASE_URL": url, "PLATEWATCH_DATA_DIR": str(data_dir),
           "PLATEWATCH_PORT": str(port), "PLATEWATCH_BOOTSTRAP_ADMIN_USERNAME": "benchadmin",
           "PLATEWATCH_BOOTSTRAP_ADMIN_PASSWORD": "bench admin password 1"}  # fmt: skip
    exe = Path(sys.executable).with_name("platewatch")
    cmd = [str(exe), "server", "--no-migrate", "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/api/v1/health", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return proc, base, token


def measure(
    base: str, token: str, batches: list[bytes], clients: int, kind: str = "application/json"
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(batches)

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}",
                                                               "content-type": kind}) as c:  # fmt: skip
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                t0 = time.perf_counter()
                r = c.post("/api/v1/reads", content=body)
                dt_ = time.perf_counter() - t0
                if r.status_code != 200:
                    raise RuntimeError(r.text[:300])
                with lock:
                    latencies.append(dt_)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--reads", type=int, default=20000)
    ap.add_argument("--image-reads", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=500, help="reads per request")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2, help="server worker processes on PostgreSQL")
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration; the median run is reported")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--section", default="server-ingest", help="the docs/benchmarks.md section to write")
    ap.add_argument(
        "--image-formats", default="json,msgpack", help="bodies of the runs with images: JSON (base64), MessagePack"
    )
    args = ap.parse_args()
    rows = []
    for backend in args.backends.split(","):
        for images, binary in [(False, False)] + [(True, f == "msgpack") for f in args.image_formats.split(",")]:
            n = args.image_reads if images else args.reads
            if n <= 0:
                continue
            runs = [one_run(args, backend, images, n, binary) for _ in range(args.runs)]
            runs.sort(key=lambda r: r[3])
            row = runs[len(runs) // 2]
            print(row, flush=True)
            rows.append(row)
    body = [
        "## Ingest through the HTTP API",
        "",
        f"`python -m benchmarks.server_ingest --reads {args.reads} --image-reads {args.image_reads} "
        f"--batch {args.batch} --clients {args.clients} --workers {args.workers} --runs {args.runs}` "
        "(run by `make bench`): "
        f"`platewatch server` (uvicorn; {args.workers} worker processes on PostgreSQL, one on SQLite), "
        f"{args.clients} client threads on the same machine posting prebuilt batches of {args.batch} reads; "
        "with images each read carries a ~160×50 plate JPEG and a ~480×320 vehicle JPEG, as base64 in JSON or "
        "as binary in MessagePack (what units send once the server offers it, ADR 0022), which "
        "the server checks and stores by SHA-256. Each configuration runs "
        f"{args.runs} times on a fresh database; the median run is shown. CPU µs per read: CPU time of the "
        "process trees the benchmark started (the server and its workers; the PostgreSQL cluster's postmaster "
        "and its backends; the client, this process) during the run, divided by the reads (comparable across "
        "runs even when the machine is busy; other jobs' processes are not counted). Load: the 1-minute load "
        "average at the end of the run.",
        "",
        "| store | images | reads | reads/s | batch p50 ms | batch p95 ms | server CPU µs/read | "
        "PostgreSQL CPU µs/read | client CPU µs/read | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    body += [
        f"| {b} | {i} | {n} | {rps:,.0f} | {p50:.0f} | {p95:.0f} | {scpu:.0f} | "
        + (f"{pcpu:.0f} |" if b == "postgresql" else "— |")
        + f" {ccpu:.0f} | {load} |"
        for b, i, n, rps, p50, p95, scpu, pcpu, ccpu, load in rows
    ]
    write_section(args.section, "\n".join(body))


def one_run(args: argparse.Namespace, backend: str, images: bool, n: int, binary: bool = False) -> tuple[Any, ...]:
    """One timed run on a fresh database: (store, images, reads, reads/s, p50 ms, p95 ms, server µs, PG µs,
    client µs, load)."""
    with tempfile.TemporaryDirectory() as tmp:
        admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        name = f"bench_{uuid.uuid4().hex[:8]}"
        if backend == "sqlite":
            url = f"sqlite:///{tmp}/bench.db"
        else:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
        batches = make_batches(n, args.batch, images, seed=1, binary=binary)
        kind = "application/msgpack" if binary else "application/json"
        workers = args.workers if backend == "postgresql" else 1
        postmaster = postmaster_pid(args.pg_url)
        proc, base, token = run_server(url, Path(tmp), workers)
        try:
            warm = make_batches(2 * args.batch, args.batch, images, seed=2, binary=binary)
            measure(base, token, warm, 1, kind)  # warm-up
            server0, pg0, client0 = tree_cpu_seconds(proc.pid), tree_cpu_seconds(postmaster), own_cpu_seconds()
            secs, lat = measure(base, token, batches, args.clients, kind)
            server1, pg1, client1 = tree_cpu_seconds(proc.pid), tree_cpu_seconds(postmaster), own_cpu_seconds()
            load = machine_load()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        if backend == "postgresql":
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    lat.sort()
    p95 = lat[min(len(lat) - 1, math.ceil(0.95 * len(lat)) - 1)]
    per_read = 1e6 / n
    return (
        backend,
        ("MessagePack" if binary else "JSON base64") if images else "no",
        n,
        n / secs,
        statistics.median(lat) * 1000,
        p95 * 1000,
        (server1 - server0) * per_read,
        (pg1 - pg0) * per_read,
        (client1 - client0) * per_read,
        load,
    )


if __name__ == "__main__":
    main()
