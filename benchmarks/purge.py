"""The purge's speed (order V.D.3) on SQLite and PostgreSQL: N reads with their own image hashes, half of them
past the retention period, one purge timed (the image files themselves are not on disk: their removal is a
no-op, the database work is what is measured).

Usage: python -m benchmarks.purge [--pg-url URL] [--reads N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.report import write_section
from platewatch.domain.retention import RetentionPolicy
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.db.migrate import upgrade
from platewatch.server.governance.retention import purge
from platewatch.server.reads.imagestore import ImageStore

UNIT = "00000000-0000-7000-8000-000000000001"


def load(url: str, n: int, now: dt.datetime) -> None:
    upgrade(url)
    engine = create_engine(url)
    sqlite = url.startswith("sqlite")
    with engine.begin() as c:
        c.execute(text("INSERT INTO units (id, name, kind, approved_for, active, created_at) "
                       "VALUES (:id, 'bench', 'mobile', '', true, :at)"),
                  {"id": UNIT.replace("-", "") if sqlite else UNIT, "at": now.replace(tzinfo=None)})  # fmt: skip
        rows = []
        for i in range(n):
            age = dt.timedelta(days=20 if i % 2 else 3, seconds=i)
            h = hashlib.sha256(str(i).encode()).hexdigest()
            rid = uuid.uuid4()
            rows.append({
                "id": rid.hex if sqlite else str(rid), "unit": UNIT.replace("-", "") if sqlite else UNIT,
                "at": (now - age).replace(tzinfo=None) if sqlite else now - age, "plate": f"B{i % 1000000:06d}",
                "pi": h, "vi": hashlib.sha256(h.encode()).hexdigest(),
            })  # fmt: skip
        c.execute(text(
            "INSERT INTO reads (id, unit_id, camera, captured_at, received_at, plate, plate_canonical, confidence, "
            "candidates, attributes, source, plate_image, vehicle_image, hotlist_version) VALUES (:id, :unit, "
            "'front', :at, :at, :plate, :plate, 0.9, '[]', '{}', 'bench', :pi, :vi, 1)"), rows)  # fmt: skip
    engine.dispose()


def timed_purge(url: str, images: Path, now: dt.datetime) -> tuple[float, int, int]:
    factory = make_sessionmaker(make_engine(url))
    with factory() as db:
        t0 = time.perf_counter()
        report = purge(db, ImageStore(images), now, RetentionPolicy(14), "bench")
        return time.perf_counter() - t0, report.reads_deleted, report.images_deleted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg-url", help="a PostgreSQL server URL (a database is created and dropped)")
    ap.add_argument("--reads", type=int, default=200_000)
    args = ap.parse_args()
    now = dt.datetime.now(dt.UTC)
    lines = [
        f"`python -m benchmarks.purge --reads {args.reads}`: {args.reads:,} reads, half captured 20 days ago, each "
        "with its own plate and vehicle image hash; one purge. The server purges every hour: a town's 50 k reads a "
        "day are about 2,100 reads per run, a state's 1 M about 42,000.",
        "",
        "| backend | reads deleted | images deleted | seconds | reads per second |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/purge.db")]
        admin = None
        if args.pg_url:
            admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text('CREATE DATABASE "pw_purge_bench"'))
            targets.append(("PostgreSQL", make_url(args.pg_url).set(database="pw_purge_bench")
                            .render_as_string(hide_password=False)))  # fmt: skip
        try:
            for name, url in targets:
                load(url, args.reads, now)
                seconds, reads, images = timed_purge(url, Path(tmp) / "images", now)
                print(f"{name}: {reads} reads, {images} images in {seconds:.1f} s", flush=True)
                lines.append(f"| {name} | {reads:,} | {images:,} | {seconds:.1f} | {reads / seconds:,.0f} |")
        finally:
            if admin is not None:
                with admin.connect() as c:
                    c.execute(text('DROP DATABASE IF EXISTS "pw_purge_bench" WITH (FORCE)'))
                admin.dispose()
    write_section("purge", "### The purge\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
