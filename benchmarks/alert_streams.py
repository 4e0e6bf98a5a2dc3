"""Issue 22: ingest and health-check latency with and without 10 open alert streams (`/api/v1/alerts/stream`).

Usage: python -m benchmarks.alert_streams [--pg-url URL] [--streams 10] [--seconds 10] [--rounds 3] [--batch 10]
Without --pg-url only SQLite is measured. Per store: a real `platewatch server` (one process) on 127.0.0.1; a unit
posts a batch of reads with images 5 times a second and a client asks `/api/v1/health` 20 times a second, each request
timed, with no stream open and with `--streams` supervisor streams open, in alternate rounds. One batch in five holds
a listed plate, so the streams carry alerts; their delivery time is reported too. CPU is counted per process tree
(the server, PostgreSQL's postmaster and its backends, this client) from /proc.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyotp
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.process_cpu import Trees, postmaster_pid
from benchmarks.report import write_section
from benchmarks.server_ingest import jpeg_b64, random_plate, run_server
from platewatch.domain.roles import Role
from platewatch.server.accounts import service as accounts
from platewatch.server.db.base import uuid7
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.training import service as training
from platewatch.server.training.schemas import TrainingCreate

PASSWORD = "bench password, long enough 7"
INGEST_EVERY_S = 0.2
HEALTH_EVERY_S = 0.05
LISTED_EVERY = 5
"""One ingest batch in this many, drawn at random, carries a listed plate (an alert for the streams). At random: a
listed plate every 5th batch (each second) would keep one phase to the streams' one-second polls."""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of `values`, in the values' unit; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class Phase:
    """One timed phase: latencies in seconds, CPU seconds per tree, alert deliveries."""

    ingest: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    delivered: list[float] = field(default_factory=list)
    alerts: int = 0
    """Alert events expected on the streams: the listed batches times the streams."""
    failures: int = 0

    def add(self, other: Phase) -> None:
        """Pool another round of the same condition into this one."""
        self.ingest += other.ingest
        self.health += other.health
        self.cpu = {name: self.cpu.get(name, 0.0) + seconds for name, seconds in other.cpu.items()}
        self.seconds += other.seconds
        self.failures += other.failures


class Fixture:
    """A store with a unit, a trained administrator and supervisor, and a hot list, behind a running server."""

    def __init__(self, url: str, tmp: Path) -> None:
        self.proc, self.base, self.unit_token = run_server(url, tmp, 1)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        people = {role: self._person(sessions, role) for role in (Role.ADMINISTRATOR, Role.SUPERVISOR)}
        engine.dispose()
        self.tokens = {role: self._login(name, secret) for role, (name, secret) in people.items()}
        with self.client(Role.ADMINISTRATOR) as c:
            r = c.post("/api/v1/hotlists", json={"name": "BOLO", "source": "manual", "category": "bolo"})
            r.raise_for_status()
            self.hotlist = int(r.json()["id"])
        self.rng = random.Random(1)
        self.plate_images = [jpeg_b64(160, 50, self.rng) for _ in range(10)]
        self.vehicle_images = [jpeg_b64(480, 320, self.rng) for _ in range(10)]
        self.listed = 0

    @staticmethod
    def _person(sessions: sessionmaker[Session], role: Role) -> tuple[str, str | None]:
        name = f"{role.value}{uuid.uuid4().hex[:6]}"
        now = dt.datetime.now(dt.UTC)
        with transaction(sessions) as db:
            secret = accounts.create_user(db, name, role, password=PASSWORD).user.totp_secret
            course = TrainingCreate(username=name, course="LPR operator, GO 14-01-117", completed_on=now.date(),
                                    trainer="Sgt. Bench")  # fmt: skip
            training.record(db, course, "bench", now)
        return name, secret

    def _login(self, name: str, secret: str | None) -> str:
        code = pyotp.TOTP(secret).now() if secret else None
        r = httpx.post(f"{self.base}/api/v1/auth/login", json={"username": name, "password": PASSWORD, "totp": code})
        r.raise_for_status()
        return str(r.json()["token"])

    def client(self, role: Role | None = None, timeout: float = 30) -> httpx.Client:
        token = self.unit_token if role is None else self.tokens[role]
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=timeout)

    def listed_plate(self) -> str:
        """A new plate on the hot list, two edits or more from every other one: PlateWatch matches plates one edit
        apart, and a plate similar to one already alerted on for the unit would count on that alert (one alert each)."""
        self.listed += 1
        plate = f"{self.listed:03d}HX{self.listed:03d}"
        with self.client(Role.SUPERVISOR) as c:
            entry = {"plate": plate, "purpose": "benchmark: stolen vehicle"}
            c.post(f"/api/v1/hotlists/{self.hotlist}/entries", json=entry).raise_for_status()
        return plate

    def batch(self, size: int, listed: str | None) -> bytes:
        now = dt.datetime.now(dt.UTC)
        reads = []
        for i in range(size):
            plate = listed if listed is not None and i == 0 else random_plate(self.rng)
            reads.append({
                "id": str(uuid7()), "camera": "front", "captured_at": (now - dt.timedelta(seconds=i)).isoformat(),
                "plate": plate, "confidence": 0.9, "candidates": [{"plate": plate, "confidence": 0.9}],
                "state": "CT", "state_confidence": 0.8, "latitude": 41.15, "longitude": -73.49, "heading": 90.0,
                "hotlist_version": 1, "plate_image": self.plate_images[i % 10],
                "vehicle_image": self.vehicle_images[i % 10],
            })  # fmt: skip
        return json.dumps({"reads": reads}).encode()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def every(interval: float, until: float, job: Callable[[], None]) -> None:
    """Run `job` at a fixed rate until the monotonic time `until` (late jobs start at once, none are skipped)."""
    due = time.monotonic()
    while due < until:
        job()
        due += interval
        time.sleep(max(0.0, due - time.monotonic()))


def timed_phase(fx: Fixture, trees: Trees, seconds: float, batch: int, sent: dict[str, float]) -> Phase:
    """Ingest and health checks at their fixed rates for `seconds`, each request timed."""
    phase = Phase()
    n_batches = int(seconds / INGEST_EVERY_S)
    chosen = fx.rng.sample(range(n_batches), n_batches // LISTED_EVERY)
    listed = {i: fx.listed_plate() for i in sorted(chosen)}
    bodies = [(fx.batch(batch, listed.get(i)), listed.get(i)) for i in range(n_batches)]
    unit, anonymous = fx.client(), httpx.Client(base_url=fx.base, timeout=30)

    def ingest() -> None:
        if not bodies:
            return
        body, plate = bodies.pop(0)
        started = time.perf_counter()
        if plate is not None:
            sent[plate] = started
        r = unit.post("/api/v1/reads", content=body, headers={"content-type": "application/json"})
        phase.ingest.append(time.perf_counter() - started)
        phase.failures += r.status_code != 200

    def health() -> None:
        started = time.perf_counter()
        r = anonymous.get("/api/v1/health")
        phase.health.append(time.perf_counter() - started)
        phase.failures += r.status_code != 200

    before, t0 = trees.sample(), time.monotonic()
    until = t0 + seconds
    rates = ((INGEST_EVERY_S, ingest), (HEALTH_EVERY_S, health))
    workers = [threading.Thread(target=every, args=(interval, until, job)) for interval, job in rates]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    phase.seconds = time.monotonic() - t0
    after = trees.sample()
    phase.cpu = {name: after[name] - before[name] for name in after}
    unit.close()
    anonymous.close()
    return phase


@contextmanager
def streams(fx: Fixture, count: int, sent: dict[str, float], delivered: list[float]) -> Iterator[None]:
    """`count` supervisor streams open (each with its own connection); each alert's delivery time is recorded."""
    stop, connected = threading.Event(), [threading.Event() for _ in range(count)]
    lock = threading.Lock()

    def listen(i: int) -> None:
        seen: set[str] = set()
        with (
            fx.client(Role.SUPERVISOR, timeout=120) as c,
            c.stream("GET", "/api/v1/alerts/stream", params={"seconds": 3600}) as r,
        ):
            for line in r.iter_lines():
                if line.startswith(": connected"):
                    connected[i].set()
                elif line.startswith("data: "):
                    # Only a batch's own alert, once: a listed plate one edit from an earlier one also raises a
                    # retro alert on that earlier read when it is added, and a read may hit two similar entries.
                    alert = json.loads(line[6:])
                    plate = alert["read"]["plate"]
                    with lock:
                        if alert["origin"] == "ingest" and plate in sent and plate not in seen:
                            seen.add(plate)
                            delivered.append(time.perf_counter() - sent[plate])
                if stop.is_set():
                    return

    threads = [threading.Thread(target=listen, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    if not all(e.wait(60) for e in connected):
        raise RuntimeError("the alert streams did not all connect")
    try:
        yield
    finally:
        time.sleep(3)  # the last alerts reach the streams (they poll every second)
        stop.set()
        for t in threads:
            t.join(10)


def one_store(backend: str, url: str, args: argparse.Namespace, pg_root: int | None) -> dict[str, Phase]:
    with tempfile.TemporaryDirectory() as tmp:
        fx = Fixture(url, Path(tmp))
        try:
            roots = {"server": fx.proc.pid, "client": os.getpid()}
            if pg_root is not None:
                roots["postgresql"] = pg_root
            trees = Trees(roots)
            timed_phase(fx, trees, 3, args.batch, {})  # warm-up
            quiet, busy, sent = Phase(), Phase(), dict[str, float]()
            for _ in range(args.rounds):  # alternated: the machine's other load falls on both alike
                quiet.add(timed_phase(fx, trees, args.seconds, args.batch, {}))
                with streams(fx, args.streams, sent, busy.delivered):
                    busy.add(timed_phase(fx, trees, args.seconds, args.batch, sent))
            busy.alerts = len(sent) * args.streams
        finally:
            fx.stop()
    print(backend, {k: (len(p.ingest), len(p.health), p.failures) for k, p in (("quiet", quiet), ("busy", busy))})
    return {"none": quiet, f"{args.streams}": busy}


def revision() -> str:
    """The commit measured (`-dirty`: with uncommitted changes in the working tree)."""
    said = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=False)
    return said.stdout.strip() or "unknown"


def ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f}"


def report(args: argparse.Namespace, results: dict[str, dict[str, Phase]], command: str) -> str:
    pg_note = "" if args.pg_url else " PostgreSQL was not measured (no `--pg-url`)."
    lines = [
        f"## Issue 22: latency with {args.streams} alert streams open",
        "",
        f"`{command}` (run by `make bench`): `platewatch server` (one process) on 127.0.0.1 and a fresh store; a unit "
        f"posts a batch of {args.batch} reads with images ({INGEST_EVERY_S * 1000:.0f} ms apart) while a client asks "
        f"`/api/v1/health` every {HEALTH_EVERY_S * 1000:.0f} ms, each request timed: {args.rounds} rounds of "
        f"{args.seconds:g} s with no stream open, then {args.seconds:g} s with {args.streams} supervisor streams of "
        "`/api/v1/alerts/stream` open (each polls the alerts every second), pooled per condition. One batch in five, "
        "drawn at random, raises an alert: *alert delivered* is from the batch's request to each stream's event. "
        "Latencies are seen by the client, which runs on the same machine; CPU is seconds per second of wall time, "
        "per process tree (the server; PostgreSQL's postmaster and backends; the benchmark's own client and stream "
        f"readers). Target (issue 22): p95 under 200 ms.{pg_note}",
        "",
        "| store | streams | ingest p50 ms | ingest p95 ms | health p50 ms | health p95 ms | alert delivered p50 / p95 "
        "ms | server CPU | PostgreSQL CPU | client CPU | failed requests |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, phases in results.items():
        for streams_open, p in phases.items():
            cpu = {name: f"{seconds / p.seconds:.2f}" for name, seconds in p.cpu.items()}
            delivered = f"{ms(p.delivered, 0.5)} / {ms(p.delivered, 0.95)} ({len(p.delivered)} of {p.alerts})"
            delivered = delivered if p.alerts else "—"
            lines.append(
                f"| {backend} | {streams_open} | {ms(p.ingest, 0.5)} | {ms(p.ingest, 0.95)} | {ms(p.health, 0.5)} | "
                f"{ms(p.health, 0.95)} | {delivered} | {cpu['server']} | {cpu.get('postgresql', '—')} | "
                f"{cpu['client']} | {p.failures} |"
            )
    load = os.getloadavg()
    lines += ["", f"Code: `{revision()}`. Load average when it ended: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", help="a PostgreSQL server on this machine (databases are created and dropped)")
    ap.add_argument("--streams", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=10, help="length of each timed phase")
    ap.add_argument("--rounds", type=int, default=3, help="timed phases per condition, alternated")
    ap.add_argument("--batch", type=int, default=10, help="reads per ingest request")
    args = ap.parse_args()
    results: dict[str, dict[str, Phase]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = one_store("sqlite", f"sqlite:///{tmp}/bench.db", args, None)
    if args.pg_url:
        admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        name = f"bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
        try:
            results["postgresql"] = one_store("postgresql", url, args, postmaster_pid(args.pg_url))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
    command = (f"python -m benchmarks.alert_streams{' --pg-url URL' if args.pg_url else ''} --streams {args.streams} "
               f"--seconds {args.seconds:g} --rounds {args.rounds} --batch {args.batch}")  # fmt: skip
    body = report(args, results, command)
    print(body)
    write_section("alert-streams", body)


if __name__ == "__main__":
    main()
