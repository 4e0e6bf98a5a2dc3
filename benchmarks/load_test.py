"""Issue 23: a bounded load test on loopback: simulated units upload batches of reads while investigators search, on
PostgreSQL (and SQLite for comparison), with the latency of both and 0 errors expected.

Usage: python -m benchmarks.load_test [--pg-url URL] [--units 50] [--investigators 10] [--seconds 60] [--batch 20]
       [--upload-every 2.0] [--search-every 1.0] [--preload 200000] [--workers 2] [--sqlite]

Per store: a real `platewatch server` with `--workers` processes on 127.0.0.1, a store preloaded with `--preload`
reads of the last 14 days (so searches have something to find), `--units` units each posting a batch of `--batch`
reads (no images) every `--upload-every` seconds, and `--investigators` trained investigators each running a search
every `--search-every` seconds, in turn: an exact plate over 14 days, a prefix pattern over 24 hours, an infix pattern
over 24 hours, a look-alike search over 14 days and a map of one area over 24 hours. Every request is timed; CPU is
counted per process tree (the server, PostgreSQL's postmaster, this client). It stops by itself after `--seconds`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.alert_streams import Fixture, every, percentile
from benchmarks.process_cpu import Trees, postmaster_pid
from benchmarks.report import load_1min, write_section
from benchmarks.server_ingest import random_plate, run_server
from platewatch.domain.roles import Role
from platewatch.server.accounts import service as accounts
from platewatch.server.db.base import uuid7
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction

PURPOSE = {"purpose": "load test: burglary series follow-up", "case_number": "2026-LOAD-1"}
AREA = "41.10,-73.55,41.20,-73.45"


@dataclass
class Timings:
    """Latencies in seconds by kind of request, and failures."""

    by_kind: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.by_kind.setdefault(kind, []).append(seconds)
            if not ok:
                self.failures[kind] = self.failures.get(kind, 0) + 1


def preload(url: str, n: int, unit_id: uuid.UUID, rng: random.Random) -> list[str]:
    """`n` reads spread over the last 14 days in one transaction per 20,000; returns some of their plates."""
    engine = create_engine(url)
    sqlite = url.startswith("sqlite")
    now = dt.datetime.now(dt.UTC)
    plates = [random_plate(rng) for _ in range(max(1, n // 20))]  # each plate seen about 20 times
    for start in range(0, n, 20_000):
        rows = []
        for i in range(start, min(n, start + 20_000)):
            at = now - dt.timedelta(seconds=rng.uniform(60, 14 * 86400 - 3600))
            plate = plates[i % len(plates)]
            rid = uuid7()
            rows.append({
                "id": rid.hex if sqlite else str(rid), "unit": unit_id.hex if sqlite else str(unit_id),
                "at": at.replace(tzinfo=None) if sqlite else at, "plate": plate,
                "lat": 41.10 + rng.random() * 0.1, "lon": -73.55 + rng.random() * 0.1,
            })  # fmt: skip
        with engine.begin() as c:
            c.execute(text(
                "INSERT INTO reads (id, unit_id, camera, captured_at, received_at, plate, plate_canonical, confidence, "
                "candidates, attributes, source, latitude, longitude) VALUES (:id, :unit, 'front', :at, :at, :plate, "
                ":plate, 0.9, '[]', '{}', 'load', :lat, :lon)"), rows)  # fmt: skip
        if not sqlite:
            with engine.begin() as c:
                c.execute(text("ANALYZE reads"))
    engine.dispose()
    return plates[:500]


class Load(Fixture):
    """The fixture of `alert_streams` with more units and investigators, and a preloaded store."""

    def __init__(self, url: str, tmp: Path, units: int, investigators: int, preloaded: int, workers: int) -> None:
        # Fixture's own set-up, with `workers` server processes instead of one.
        self.proc, self.base, self.unit_token = run_server(url, tmp, workers)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        self.tokens = {}
        self.rng = random.Random(1)
        self.unit_tokens = [self.unit_token]
        with transaction(sessions) as db:
            for i in range(units - 1):
                name = f"load-{i}-{uuid.uuid4().hex[:4]}"
                self.unit_tokens.append(accounts.create_unit(db, name, "mobile", "load test", "bench")[1])
        with sessions() as db:
            first = db.execute(text("SELECT id FROM units ORDER BY created_at LIMIT 1")).scalar_one()
        people = [self._person(sessions, Role.INVESTIGATOR) for _ in range(investigators)]
        engine.dispose()
        self.investigator_tokens = [self._login(name, secret) for name, secret in people]
        unit_id = first if isinstance(first, uuid.UUID) else uuid.UUID(str(first))
        self.plates = preload(url, preloaded, unit_id, self.rng)

    def reads(self, size: int) -> bytes:
        now = dt.datetime.now(dt.UTC)
        body = [{
            "id": str(uuid7()), "camera": "front", "captured_at": (now - dt.timedelta(seconds=i)).isoformat(),
            "plate": random_plate(self.rng), "confidence": 0.9, "state": "CT", "latitude": 41.15, "longitude": -73.49,
            "hotlist_version": 1,
        } for i in range(size)]  # fmt: skip
        return json.dumps({"reads": body}).encode()

    def searches(self) -> list[tuple[str, str, dict[str, str | int]]]:
        """The investigators' queries, in turn: (kind, path, parameters)."""
        plate = self.rng.choice(self.plates)
        return [
            ("exact 14 d", "/api/v1/reads/search", {"plate": plate, "hours": 14 * 24}),
            ("prefix 24 h", "/api/v1/reads/search", {"plate": plate[:3] + "*", "hours": 24}),
            ("infix 24 h", "/api/v1/reads/search", {"plate": "*" + plate[2:5] + "*", "hours": 24}),
            ("similar 14 d", "/api/v1/reads/search", {"plate": plate, "mode": "similar", "hours": 14 * 24}),
            ("map 24 h", "/api/v1/reads/map", {"bbox": AREA, "hours": 24, "limit": 500}),
        ]


def run(fx: Load, trees: Trees, args: argparse.Namespace) -> tuple[Timings, dict[str, float], float]:
    timings = Timings()
    until = time.monotonic() + args.seconds
    bodies_lock = threading.Lock()

    def unit_job(token: str) -> None:
        client = httpx.Client(base_url=fx.base, headers={"Authorization": f"Bearer {token}"}, timeout=60)

        def upload() -> None:
            with bodies_lock:
                body = fx.reads(args.batch)
            started = time.perf_counter()
            try:
                ok = (
                    client.post("/api/v1/reads", content=body, headers={"content-type": "application/json"}).status_code
                    == 200
                )
            except httpx.HTTPError:
                ok = False
            timings.add("ingest", time.perf_counter() - started, ok)

        time.sleep(random.uniform(0, args.upload_every))  # the units do not all post at the same instant
        every(args.upload_every, until, upload)
        client.close()

    def investigator_job(token: str, offset: int) -> None:
        client = httpx.Client(base_url=fx.base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        turn = [offset]

        def search() -> None:
            with bodies_lock:
                queries = fx.searches()
            kind, path, params = queries[turn[0] % len(queries)]
            turn[0] += 1
            started = time.perf_counter()
            try:
                ok = client.get(path, params={**PURPOSE, **params}).status_code == 200
            except httpx.HTTPError:
                ok = False
            timings.add(kind, time.perf_counter() - started, ok)

        time.sleep(random.uniform(0, args.search_every))
        every(args.search_every, until, search)
        client.close()

    threads = [threading.Thread(target=unit_job, args=(t,)) for t in fx.unit_tokens]
    threads += [threading.Thread(target=investigator_job, args=(t, i)) for i, t in enumerate(fx.investigator_tokens)]
    before, t0 = trees.sample(), time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - t0
    after = trees.sample()
    return timings, {k: after[k] - before[k] for k in after}, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg-url", help="a PostgreSQL server URL (a database is created and dropped)")
    ap.add_argument("--sqlite", action="store_true", help="also measure the embedded SQLite store")
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--investigators", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--batch", type=int, default=20, help="reads per upload")
    ap.add_argument("--upload-every", type=float, default=2.0, help="seconds between a unit's uploads")
    ap.add_argument("--search-every", type=float, default=1.0, help="seconds between an investigator's searches")
    ap.add_argument("--preload", type=int, default=200_000, help="reads stored before the test")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = ap.parse_args()
    rate = args.units * args.batch / args.upload_every
    lines = [
        f"`python -m benchmarks.load_test --units {args.units} --investigators {args.investigators} --seconds "
        f"{args.seconds:g} --batch {args.batch} --upload-every {args.upload_every:g} --search-every "
        f"{args.search_every:g} --preload {args.preload} --workers {args.workers}`: {args.units} units posting "
        f"{args.batch} reads every {args.upload_every:g} s ({rate:,.0f} reads/s offered) while {args.investigators} "
        f"investigators search every {args.search_every:g} s, on a store of {args.preload:,} reads; server with "
        f"{args.workers} workers, all on this machine's loopback (the client shares the cores).",
        "",
        "| store | request | count | p50 ms | p95 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    cpu_lines = []
    with tempfile.TemporaryDirectory() as tmp:
        targets: list[tuple[str, str]] = []
        if args.sqlite or not args.pg_url:
            targets.append(("SQLite", f"sqlite:///{tmp}/load.db"))
        admin = None
        if args.pg_url:
            admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text('DROP DATABASE IF EXISTS "pw_load_test" WITH (FORCE)'))
                c.execute(text('CREATE DATABASE "pw_load_test"'))
            targets.append(("PostgreSQL", make_url(args.pg_url).set(database="pw_load_test")
                            .render_as_string(hide_password=False)))  # fmt: skip
        try:
            for name, url in targets:
                fx = Load(url, Path(tmp) / name, args.units, args.investigators, args.preload, args.workers)
                roots = {"server": fx.proc.pid, "client": os.getpid()}
                if url.startswith("postgresql"):
                    roots["postgresql"] = postmaster_pid(url)
                load_before = load_1min()
                try:
                    timings, cpu, seconds = run(fx, Trees(roots), args)
                finally:
                    fx.stop()
                for kind, values in sorted(timings.by_kind.items(), key=lambda kv: kv[0] != "ingest"):
                    p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
                    errors = timings.failures.get(kind, 0)
                    print(f"{name} {kind}: {len(values)} requests, p50 {p50:.0f} ms, p95 {p95:.0f} ms, {errors} errors",
                          flush=True)  # fmt: skip
                    lines.append(f"| {name} | {kind} | {len(values)} | {p50:.0f} | {p95:.0f} | {errors} |")
                stored = len(timings.by_kind.get("ingest", [])) * args.batch / seconds
                cpu_lines.append(f"- {name}: {stored:,.0f} reads/s stored; CPU per second of test: " + ", ".join(
                    f"{k} {v / seconds:.2f}" for k, v in cpu.items()) + f"; load average before it {load_before:.1f} "
                    "(other work on the machine included)")  # fmt: skip
        finally:
            if admin is not None:
                with admin.connect() as c:
                    c.execute(text('DROP DATABASE IF EXISTS "pw_load_test" WITH (FORCE)'))
                admin.dispose()
    body = "\n".join(lines) + "\n\n" + "\n".join(cpu_lines) + "\n"
    write_section("load_test", "### Load test: units uploading while investigators search (issue 23)\n\n" + body)


if __name__ == "__main__":
    main()
