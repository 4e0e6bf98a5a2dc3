"""Search latency on PostgreSQL at 1 M and 14 M synthetic reads (exact, prefix, infix, similar; 24 h and 14 d).

Usage: python -m benchmarks.server_search --pg-url URL [--rows 1000000 14000000] [--samples 40]
Reads are generated inside PostgreSQL (generate_series) from a pool of plates seen ~7 times each; the
queries run through PlateWatch's own search service (the SQL the API runs), 50 results a page. Besides the latency
it reports the CPU per query of this process and of the PostgreSQL cluster's process tree, and the machine's load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from benchmarks.process_cpu import Trees, postmaster_pid
from benchmarks.report import load_1min, load_span, write_section
from platewatch.domain.patterns import parse_pattern
from platewatch.domain.plates import _CANONICAL
from platewatch.domain.read_days import day_of
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.db.migrate import upgrade
from platewatch.server.reads.partitions import day_partitions, make_day
from platewatch.server.search.service import Mode, SearchQuery, run

UNIT = "00000000-0000-7000-8000-000000000001"


def load(url: str, rows: int) -> list[str]:
    upgrade(url)
    engine = create_engine(url)
    # A store that has run for 14 days has a partition for each of them (made ahead by the scheduler, ADR 0019).
    with Session(engine) as db:
        today = day_of(dt.datetime.now(dt.UTC))
        have = set(day_partitions(db))
        for k in range(-15, 2):
            if today + dt.timedelta(days=k) not in have:
                make_day(db, today + dt.timedelta(days=k))
        db.commit()
    pool = max(rows // 7, 1000)
    src = "".join(_CANONICAL)
    dst = "".join(_CANONICAL[c] for c in src)
    with engine.begin() as c:
        c.execute(text("SET maintenance_work_mem = '1GB'"))
        c.execute(text(f"INSERT INTO units (id, name, kind, approved_for, active, created_at) "
                       f"VALUES ('{UNIT}', 'bench', 'mobile', '', true, now())"))  # fmt: skip
        indexes = c.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reads' AND indexname <> 'pk_reads'"
        )).all()  # fmt: skip
        for name, _ in indexes:
            c.execute(text(f"DROP INDEX {name}"))
        c.execute(text(f"""
            CREATE TEMP TABLE pool AS
            SELECT g AS id, chr(65 + (h % 26)::int) || chr(65 + (h / 26 % 26)::int) || chr(65 + (h / 676 % 26)::int)
                   || lpad(((h / 17576) % 10000)::text, 4, '0') AS plate
            FROM (SELECT g, abs(hashint8(g::bigint)) AS h FROM generate_series(1, {pool}) g) s
        """))  # fmt: skip
        c.execute(text("CREATE UNIQUE INDEX ON pool (id)"))
        t0 = time.perf_counter()
        c.execute(text(f"""
            INSERT INTO reads (id, unit_id, camera, captured_at, received_at, plate, plate_canonical, confidence,
                               candidates, state, state_confidence, latitude, longitude, heading, plate_image,
                               vehicle_image, hotlist_version, source, attributes)
            SELECT gen_random_uuid(), '{UNIT}', 'front', now() - random() * interval '14 days', now(),
                   p.plate, translate(p.plate, '{src}', '{dst}'), 0.9, '[]', 'CT', 0.8,
                   41.1 + random() / 10, -73.5 + random() / 10, 90, NULL, NULL, 1, 'bench', '{{}}'
            FROM generate_series(1, {rows}) g JOIN pool p ON p.id = 1 + abs(hashint8(g::bigint + 7)) % {pool}
        """))  # fmt: skip
        t1 = time.perf_counter()
        for _, ddl in indexes:
            # pg_indexes shows a partitioned index as `ON ONLY reads`, which would not build the partitions' own.
            c.execute(text(ddl.replace(" ON ONLY ", " ON ")))
        t2 = time.perf_counter()
        sample = [r[0] for r in c.execute(text("SELECT plate FROM pool ORDER BY random() LIMIT 500"))]
    # What autovacuum does on a live server: statistics, and the visibility map for index-only scans.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE reads"))
    print(f"loaded {rows} rows in {t1 - t0:.0f} s, indexes in {t2 - t1:.0f} s", flush=True)
    engine.dispose()
    return sample


def timed(factory: object, queries: list[SearchQuery], trees: Trees) -> tuple[float, float, dict[str, float]]:
    """p50 and p95 ms of the queries, and the CPU ms per query of each process tree over them (the warm-up left out)."""
    times = []
    with factory() as db:  # type: ignore[operator]
        run(db, queries[0])  # warm
        with trees.spending() as spent:
            for q in queries:
                t0 = time.perf_counter()
                run(db, q)
                times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    cpu = {name: seconds * 1000 / len(queries) for name, seconds in spent.cpu.items()}
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], cpu


Row = tuple[str, str, float, float, dict[str, float]]


def bench(url: str, plates: list[str], samples: int) -> tuple[list[Row], str]:
    """Each kind of search in each window: (query, window, p50 ms, p95 ms, CPU ms per query by tree); and the
    1-minute load average before and after them all."""
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    trees = Trees({"client": os.getpid(), "postgresql": postmaster_pid(url)})
    now = dt.datetime.now(dt.UTC)
    rng = random.Random(5)
    out: list[Row] = []
    kinds = {
        "exact": lambda p: (p, Mode.EXACT),
        "prefix (ABC*)": lambda p: (p[:3] + "*", Mode.PARTIAL),
        "infix (*C12*)": lambda p: ("*" + p[2:5] + "*", Mode.PARTIAL),
        "similar (look-alike, 1 edit)": lambda p: (p, Mode.SIMILAR),
    }
    load_before = load_1min()
    for label, make in kinds.items():
        for window, hours in (("24 h", 24), ("14 days", 24 * 14)):
            qs = []
            for p in rng.sample(plates, samples):
                pat, mode = make(p)
                qs.append(SearchQuery(parse_pattern(pat), mode, now - dt.timedelta(hours=hours), now, limit=50))
            p50, p95, cpu = timed(factory, qs, trees)
            print(label, window, f"p50 {p50:.1f} ms p95 {p95:.1f} ms, CPU ms/query {cpu}", flush=True)
            out.append((label, window, p50, p95, cpu))
    engine.dispose()
    return out, load_span(load_before)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 14_000_000])
    ap.add_argument("--samples", type=int, default=40)
    args = ap.parse_args()
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    table = [
        "| reads | query | window | p50 ms | p95 ms | client CPU ms/query | PostgreSQL CPU ms/query |",
        "|---|---|---|---|---|---|---|",
    ]
    loads = []
    for rows in args.rows:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
        try:
            plates = load(url, rows)
            results, load_seen = bench(url, plates, args.samples)
            for label, window, p50, p95, cpu in results:
                table.append(f"| {rows:,} | {label} | {window} | {p50:.1f} | {p95:.1f} | {cpu['client']:.2f} | "
                             f"{cpu['postgresql']:.2f} |")  # fmt: skip
            loads.append(f"{rows:,} reads: {load_seen}")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    body = "\n".join([
        "## Search latency on PostgreSQL",
        "",
        f"`python -m benchmarks.server_search --rows {' '.join(map(str, args.rows))} --samples {args.samples}` "
        "(run by `make bench`): synthetic reads spread over 14 days, each plate seen about 7 times; "
        f"{args.samples} random plates per row, newest 50 results, through `platewatch.server.search.service.run` "
        "(the SQL the API runs) on one connection. Indexes as created by the migrations: B-tree on "
        "(plate, captured_at), (captured_at, plate), (captured_at, id), (unit, captured_at), (canonical form, "
        "captured_at), and trigram GIN on plate; "
        "`reads` partitioned by day (ADR 0019), one partition for each of the 14 days. CPU per query: the CPU time "
        "over a row's queries, divided by them, of this benchmark's own process (*client*: the search service, "
        "SQLAlchemy and the driver) and of the PostgreSQL cluster's process tree (its postmaster, the connection's "
        "backend, parallel workers and background processes), from /proc; PostgreSQL's is in clock ticks, so to "
        f"{1000 / os.sysconf('SC_CLK_TCK') / args.samples:.2f} ms a query. Other jobs' processes are not counted.",
        "",
        *table,
        "",
        "1-minute load average before → after the searches (the loading excluded): " + "; ".join(loads) + ".",
    ])  # fmt: skip
    write_section("server-search", body)


if __name__ == "__main__":
    main()
