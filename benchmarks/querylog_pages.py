"""Pages of the Data Query Log at 1 M rows (issue 24, item 8) on SQLite and PostgreSQL: the first page and a deep page
(80 % of the matching rows newer than it) of each filter, p50 and p95 over repeated calls of the service the API and
the page use (`querylog.service.page`, 50 rows), and on PostgreSQL the indexes each page's plan reads.

The rows are a valid hash chain built in bulk (the writer's own digest, row after row) and loaded before the filter
indexes exist (the schema at the revision before 0030, then 0030 builds them on the full table, as an upgrade does).

Usage: python -m benchmarks.querylog_pages [--pg-url URL] [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text, tuple_
from sqlalchemy.engine import Engine, make_url

from benchmarks.report import write_section
from platewatch.domain.log_pages import Cursor, LogFilter
from platewatch.domain.querylog import GENESIS_HASH, QueryLogRecord
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.db.migrate import alembic_config, upgrade
from platewatch.server.querylog import service
from platewatch.server.querylog.models import QueryLogEntry

COLUMNS = ("seq", "at", "username", "action", "parameters", "purpose", "case_number", "result_count", "outcome",
           "prev_hash", "row_hash")  # fmt: skip
PURPOSES = [f"{what} {n}" for n in range(10) for what in (
    "stolen vehicle report follow-up", "burglary series suspect vehicle", "missing person welfare check",
    "Amber alert child abduction", "hit and run investigation", "wanted person warrant service",
    "narcotics task force surveillance", "homicide investigation lead", "robbery suspect vehicle",
    "fraud investigation vehicle",
)]  # fmt: skip
"""100 purposes; 'Amber alert' is in a tenth of the rows, 'homicide investigation lead 7' in one in a hundred."""
RARE = "Silver alert: missing elder with dementia"
"""The purpose of one row in 10,000: a text search the trigram index answers (a walk down the time index would not)."""
ACTIONS = ["search"] * 50 + ["view_read"] * 30 + ["view_image"] * 14 + ["map"] * 3 + ["export"] * 2 + ["place_hold"]
OUTCOMES = ["ok"] * 950 + ["refused"] * 30 + ["not_found"] * 15 + ["error"] * 5


def chain(n: int, end: dt.datetime, days: int) -> Iterator[tuple[Any, ...]]:
    """`n` rows a steady step apart over `days` days ending at `end`, each linked to the one before."""
    rnd = random.Random(24)
    step = dt.timedelta(days=days) / n
    start = end - dt.timedelta(days=days)
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        purpose = rnd.choice(PURPOSES) if seq % 10_000 else RARE
        record = QueryLogRecord(
            seq=seq, at=start + step * seq, username=f"user{rnd.randrange(200):03d}", action=rnd.choice(ACTIONS),
            parameters={"plate": f"B{rnd.randrange(10**6):06d}"}, purpose=purpose,
            case_number=f"2026-{rnd.randrange(20000):06d}", result_count=rnd.randrange(30),
            outcome=rnd.choice(OUTCOMES), prev_hash=prev,
        )  # fmt: skip
        digest = record.digest()
        yield (seq, record.at, record.username, record.action, json.dumps(record.parameters), purpose,
               record.case_number, record.result_count, record.outcome, prev, digest)  # fmt: skip
        prev = digest


def before_0030(url: str) -> str:
    script = ScriptDirectory.from_config(alembic_config(url))
    down = script.get_revision("0030").down_revision
    assert isinstance(down, str)
    return down


def load(url: str, n: int, end: dt.datetime, days: int) -> tuple[float, float]:
    """Fill the log at the revision before 0030, then upgrade (0030 indexes the full table); (load s, index s)."""
    upgrade(url, before_0030(url))
    t0 = time.perf_counter()
    last = ("", 0)
    if url.startswith("sqlite"):
        con = sqlite3.connect(make_url(url).database or "")
        con.execute("PRAGMA journal_mode=WAL")
        sql = f"INSERT INTO query_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        batch: list[tuple[Any, ...]] = []
        for row in chain(n, end, days):
            batch.append((row[0], row[1].strftime("%Y-%m-%d %H:%M:%S.%f"), *row[2:]))
            if len(batch) == 20_000:
                con.executemany(sql, batch)
                batch = []
            last = (row[-1], row[0])
        con.executemany(sql, batch)
        con.execute("INSERT INTO query_log_head (id, seq, row_hash) VALUES (1, ?, ?)", (last[1], last[0]))
        con.commit()
        con.close()
    else:
        import psycopg

        raw = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(raw) as con, con.cursor() as cur:
            with cur.copy(f"COPY query_log ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in chain(n, end, days):
                    copy.write_row(row)
                    last = (row[-1], row[0])
            cur.execute("INSERT INTO query_log_head (id, seq, row_hash) VALUES (1, %s, %s)", (last[1], last[0]))
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("ANALYZE"))
    engine.dispose()
    return loaded, time.perf_counter() - t0


def filters(end: dt.datetime) -> list[tuple[str, LogFilter]]:
    week = end - dt.timedelta(days=120)
    window = {"since": week, "until": week + dt.timedelta(days=7)}
    return [
        ("none", LogFilter()),
        ("user (0.5 %)", LogFilter(username="user042")),
        ("purpose text (10 %)", LogFilter(purpose="amber alert")),
        ("purpose text (1 %)", LogFilter(purpose="homicide investigation lead 7")),
        ("purpose text (0.01 %)", LogFilter(purpose="silver alert")),
        ("case (~50 rows)", LogFilter(case_number="2026-004242")),
        ("action export (2 %)", LogFilter(action="export")),
        ("outcome refused (3 %)", LogFilter(outcome="refused")),
        ("dates (7 days)", LogFilter(**window)),
        ("user + dates", LogFilter(username="user042", **window)),
        ("action + outcome + dates", LogFilter(action="search", outcome="refused", **window)),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def plan_indexes(engine: Engine, f: LogFilter, cursor: int | None) -> str:
    """The indexes PostgreSQL's plan of the page's query reads (its EXPLAIN), or the scan it does without one."""
    stmt = select(QueryLogEntry).where(*service.conditions(f))
    if cursor is not None:
        at = select(QueryLogEntry.at).where(QueryLogEntry.seq == cursor).scalar_subquery()
        stmt = stmt.where(tuple_(QueryLogEntry.at, QueryLogEntry.seq) < tuple_(at, cursor))
    newest_first = (QueryLogEntry.at.desc(), QueryLogEntry.seq.desc())
    compiled = stmt.order_by(*newest_first).limit(51).compile(dialect=engine.dialect)
    with engine.connect() as c:
        plan = c.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar_one()
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Index Name" in node:
            found.append(node["Index Name"])
        elif node.get("Node Type") == "Seq Scan":
            found.append("seq scan")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return ", ".join(dict.fromkeys(found))


def measure(url: str, end: dt.datetime, repeat: int) -> list[tuple[str, float, float, float, float, int, str]]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    out = []
    for name, f in filters(end):
        with sessions() as db:
            newest_first = (QueryLogEntry.at.desc(), QueryLogEntry.seq.desc())
            seqs = db.scalars(select(QueryLogEntry.seq).where(*service.conditions(f)).order_by(*newest_first))
            matching = list(seqs)
        deep = Cursor(True, matching[int(len(matching) * 0.8)]) if len(matching) > 60 else None
        timings: dict[str, list[float]] = {"first": [], "deep": []}
        for _ in range(repeat):
            for which, cursor in (("first", None), ("deep", deep)):
                if which == "deep" and deep is None:
                    continue
                with sessions() as db:
                    t0 = time.perf_counter()
                    page = service.page(db, f, cursor)
                    timings[which].append((time.perf_counter() - t0) * 1000)
                    assert page.rows and len(page.rows) <= 50
        deep_p = (percentile(timings["deep"], 0.5), percentile(timings["deep"], 0.95)) if deep else (0.0, 0.0)
        plan = ""
        if engine.dialect.name == "postgresql":
            first_plan = plan_indexes(engine, f, None)
            deep_plan = plan_indexes(engine, f, deep.key) if deep else first_plan
            plan = first_plan if first_plan == deep_plan else f"{first_plan}; deep: {deep_plan}"
        row = (name, percentile(timings["first"], 0.5), percentile(timings["first"], 0.95), *deep_p, len(matching),
               plan)  # fmt: skip
        print(f"{url.split(':')[0]} {name}: first p50 {row[1]:.1f} p95 {row[2]:.1f} ms, deep p50 {row[3]:.1f} "
              f"p95 {row[4]:.1f} ms, {len(matching):,} rows; {plan}", flush=True)  # fmt: skip
        out.append(row)
    engine.dispose()
    return out


def load_average() -> str:
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg-url", help="a PostgreSQL server URL (a database is created and dropped)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    end = dt.datetime.now(dt.UTC).replace(microsecond=0)
    lines = [
        f"`python -m benchmarks.querylog_pages --rows {args.rows} --repeat {args.repeat}`: {args.rows:,} query-log "
        f"rows (a valid chain) over {args.days} days, 200 users, 100 purposes, 20,000 cases; each filter's first "
        "page and a deep page (80 % of its rows newer) of 50 rows through `querylog.service.page`, timed "
        f"{args.repeat} times each in-process (milliseconds; the HTTP layer adds its own few). 'Rows' is how many "
        "match. The plan column is PostgreSQL's EXPLAIN of the page's query: the indexes it reads. SQLite has no "
        "text index: a purpose text that few rows hold is a walk down the time index checking every row (the 0.01 % "
        "row), which PostgreSQL's trigram index answers; a log of 1 M rows belongs on PostgreSQL anyway.",
        "",
    ]
    load_before = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/querylog.db")]
        admin = None
        if args.pg_url:
            admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text('DROP DATABASE IF EXISTS "pw_querylog_bench" WITH (FORCE)'))
                c.execute(text('CREATE DATABASE "pw_querylog_bench"'))
            targets.append(("PostgreSQL", make_url(args.pg_url).set(database="pw_querylog_bench")
                            .render_as_string(hide_password=False)))  # fmt: skip
        try:
            for name, url in targets:
                loaded, indexed = load(url, args.rows, end, args.days)
                print(f"{name}: loaded {args.rows:,} rows in {loaded:.0f} s, migration 0030 in {indexed:.0f} s")
                results = measure(url, end, args.repeat)
                lines += [
                    f"**{name}**: loaded in {loaded:.0f} s; migration 0030 built its indexes on the full table in "
                    f"{indexed:.0f} s.",
                    "",
                    "| filter | rows | first page p50 | p95 | deep page p50 | p95 |"
                    + (" plan |" if name != "SQLite" else ""),
                    "|---|---|---|---|---|---|" + ("---|" if name != "SQLite" else ""),
                ]
                for label, f50, f95, d50, d95, count, plan in results:
                    deep = f"{d50:.1f} | {d95:.1f}" if count > 60 else "– | –"
                    lines.append(f"| {label} | {count:,} | {f50:.1f} | {f95:.1f} | {deep} |"
                                 + (f" {plan} |" if name != "SQLite" else ""))  # fmt: skip
                lines.append("")
        finally:
            if admin is not None:
                with admin.connect() as c:
                    c.execute(text('DROP DATABASE IF EXISTS "pw_querylog_bench" WITH (FORCE)'))
                admin.dispose()
    lines.append(f"Load average (1, 5, 15 min) before the run: {load_before}; after: {load_average()}.")
    write_section("querylog-pages", "### Pages of the query log at 1 M rows\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
