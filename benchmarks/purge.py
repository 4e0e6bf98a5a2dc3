"""The purge's speed (order V.D.3) on SQLite and PostgreSQL: N reads with their own image hashes, half of them
past the retention period, one purge timed (the image files themselves are not on disk: their removal is a
no-op, the database work is what is measured). With `--day-reads N` (PostgreSQL), also one expired day of N reads
in its own partition (ADR 0019), with held reads and alerts among them and later days kept, dropped by one purge,
its images with it (ADR 0023): with `--day-files`, the day's two image files per read are really on disk, in its day
folder, and the deleting of the retired folder after the purge is timed too. Each timed step also reports the CPU
seconds of this process and of the PostgreSQL cluster's process tree, and each section the machine's load.

Usage: python -m benchmarks.purge [--pg-url URL] [--reads N] [--day-reads N] [--day-files]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.process_cpu import Spent, Trees, postmaster_pid
from benchmarks.report import load_1min, load_span, write_section
from platewatch.domain.read_days import bounds, day_of, image_partition_name, partition_name
from platewatch.domain.retention import RetentionPolicy
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.db.migrate import upgrade
from platewatch.server.governance.day_purge import drop_expired_days
from platewatch.server.governance.image_days import after_purge, retire_expired_days
from platewatch.server.governance.retention import purge
from platewatch.server.reads.imagestore import ImageStore

UNIT = "00000000-0000-7000-8000-000000000001"
DAY = {"postgresql": "date(timezone('UTC', captured_at))", "sqlite": "date(captured_at)"}
LAST_USES = """
INSERT INTO read_images (day, digest, last_captured_at)
SELECT day, digest, max(captured_at) FROM (
  SELECT {day} AS day, plate_image AS digest, captured_at FROM reads WHERE plate_image IS NOT NULL
  UNION ALL SELECT {day}, vehicle_image, captured_at FROM reads WHERE vehicle_image IS NOT NULL
) AS uses GROUP BY day, digest
"""
DAY_READS = """
INSERT INTO reads (id, unit_id, camera, captured_at, received_at, plate, plate_canonical, confidence, candidates,
                   attributes, source, plate_image, vehicle_image, hotlist_version)
SELECT gen_random_uuid(), :unit, 'front', :start + make_interval(secs => k * 86399.0 / :n), now(),
       'B' || lpad((k % 1000000)::text, 6, '0'), 'B' || lpad((k % 1000000)::text, 6, '0'), 0.9, '[]', '{}', 'bench',
       md5(:tag || k) || md5(k || :tag), md5(:tag || 'v' || k) || md5(k || 'v' || :tag), 1
FROM generate_series(0, :n - 1) AS k
"""
HOT_LIST = """
INSERT INTO hotlists (id, name, source, default_category, priority, covert, alert_colour, alert_sound, state_filter,
                      active, created_at, created_by)
VALUES (1, 'NCIC', 'ncic', 'stolen_vehicle', 1, false, 'red', 'siren', '', true, now(), 'bench');
INSERT INTO hotlist_versions (id, hotlist_id, created_at, created_by, change, note, entry_count, content_hash)
VALUES (1, 1, now(), 'bench', 'import', '', 1, '');
INSERT INTO hotlist_entries (id, version_id, plate, category, nic, ori, case_number, vehicle_year, vehicle_make,
                             vehicle_model, vehicle_style, vehicle_colour, plate_year, plate_type, description, purpose,
                             owner, added_at)
VALUES (1, 1, 'B000001', 'stolen_vehicle', '', '', '', '', '', '', '', '', '', '', '', '', 'bench', now());
INSERT INTO legal_holds (id, case_number, reason, created_by, created_at, release_note)
VALUES (1, '2026-1', 'bench', 'bench', now(), '');
"""


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
        c.execute(text(LAST_USES.format(day=DAY[c.dialect.name])))
    engine.dispose()


def timed_purge(url: str, images: Path, now: dt.datetime, trees: Trees) -> tuple[Spent, int, int]:
    """One purge, timed, with the CPU of each process tree: (what it spent, reads deleted, images deleted)."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db, trees.spending() as spent:
        report = purge(db, ImageStore(images), now, RetentionPolicy(14), "bench")
    engine.dispose()
    return spent, report.reads_deleted, report.images_deleted


def load_days(url: str, n: int, now: dt.datetime) -> dt.date:
    """A partitioned store: one expired day of `n` reads (1,000 of them with an alert, 10 held), and the day before
    yesterday and yesterday with `n // 10` reads each, kept. Returns the expired day."""
    upgrade(url)
    expired = day_of(now) - dt.timedelta(days=16)
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO units (id, name, kind, approved_for, active, created_at) "
                       "VALUES (:id, 'bench', 'mobile', '', true, now())"), {"id": UNIT})  # fmt: skip
        c.execute(text(HOT_LIST))
        for day, count, tag in ((expired, n, "x"), (day_of(now) - dt.timedelta(days=2), n // 10, "k"),
                                (day_of(now) - dt.timedelta(days=1), n // 10, "y")):  # fmt: skip
            c.execute(text(f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF reads FOR VALUES "
                           f"FROM ('{bounds(day)[0].isoformat()}') TO ('{bounds(day)[1].isoformat()}')"))  # fmt: skip
            c.execute(text(f"CREATE TABLE IF NOT EXISTS {image_partition_name(day)} PARTITION OF read_images FOR "
                           f"VALUES FROM ('{day}') TO ('{day + dt.timedelta(days=1)}')"))  # fmt: skip
            c.execute(text(DAY_READS), {"unit": UNIT, "start": bounds(day)[0], "n": count, "tag": tag})
        name = partition_name(expired)
        c.execute(text(f"INSERT INTO alerts (read_id, entry_id, hotlist_id, version_id, created_at, origin, "
                       f"match_kind, matched_text, reason, priority, covert, status, reject_note, verification_note, "
                       f"incident_number, leas_subtype) SELECT id, 1, 1, 1, now(), 'ingest', 'exact', plate, 'listed', "
                       f"1, false, 'pending', '', '', '', '' FROM {name} LIMIT 1000"))  # fmt: skip
        c.execute(text(f"INSERT INTO held_reads (hold_id, read_id) SELECT 1, id FROM {name} OFFSET 5000 LIMIT 10"))
        c.execute(text(LAST_USES.format(day=DAY["postgresql"])))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return expired


def write_day_files(url: str, store: ImageStore, day: dt.date, size: int) -> int:
    """Write the day's image files into its folder, as ingest would (`size` bytes each: the purge never reads them;
    0 makes files without a data block, which a filesystem frees faster); how many."""
    engine = create_engine(url)
    count = 0
    with engine.connect() as c:
        rows = c.execute(text(f"SELECT plate_image, vehicle_image FROM {partition_name(day)}"))
        made: set[str] = set()
        for pair in rows:
            for digest in pair:
                path = os.path.join(store.root, store.day_name(day, digest))
                folder = os.path.dirname(path)
                if folder not in made:
                    os.makedirs(folder, exist_ok=True)
                    made.add(folder)
                with open(path, "wb") as fh:
                    fh.write(b"\xff" * size)
                count += 1
    engine.dispose()
    os.sync()
    return count


@dataclass(frozen=True)
class DayTimes:
    """Wall and CPU seconds of each step of the purge of one day, and what it deleted."""

    dropping: Spent
    retiring: Spent
    rest: Spent
    after: Spent
    reads: int
    images: int
    held: int
    files: int

    @property
    def whole(self) -> Spent:
        """The purge itself: its three steps."""
        steps = (self.dropping, self.retiring, self.rest)
        return Spent(sum(s.wall for s in steps), {k: sum(s.cpu[k] for s in steps) for k in self.dropping.cpu})


def timed_day_purge(url: str, images: Path, now: dt.datetime, trees: Trees) -> DayTimes:
    """The day's reads dropped, then its images retired (rows and folder), then the rest of the purge, each timed; then
    the retired folder's files deleted (after the purge, outside its locks: the server does this in the background)."""
    engine = make_engine(url)
    store = ImageStore(images)
    cutoff = RetentionPolicy(14).cutoff(now)
    with make_sessionmaker(engine)() as db:
        with trees.spending() as dropping:
            days = drop_expired_days(db, cutoff)
        with trees.spending() as retiring:
            retired = retire_expired_days(db, store, cutoff)
        with trees.spending() as rest:
            report = purge(db, store, now, RetentionPolicy(14), "bench")
        with trees.spending() as after:
            files = after_purge(db, store)
    engine.dispose()
    return DayTimes(dropping, retiring, rest, after, days.reads_deleted + report.reads_deleted,
                    retired.images_deleted + report.images_deleted, days.reads_kept, files)  # fmt: skip


def day_section(pg_url: str, n: int, now: dt.datetime, tmp: str, with_files: bool, size: int) -> None:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text('CREATE DATABASE "pw_purge_day_bench"'))
    url = make_url(pg_url).set(database="pw_purge_day_bench").render_as_string(hide_password=False)
    images = Path(tmp) / "images"
    try:
        t0 = time.perf_counter()
        expired = load_days(url, n, now)
        loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        written = write_day_files(url, ImageStore(images), expired, size) if with_files else 0
        written_s = time.perf_counter() - t0
        trees = Trees({"benchmark": os.getpid(), "postgresql": postmaster_pid(url)})
        start_load = load_1min()
        t = timed_day_purge(url, images, now, trees)
        loads = load_span(start_load)
    finally:
        with admin.connect() as c:
            c.execute(text('DROP DATABASE IF EXISTS "pw_purge_day_bench" WITH (FORCE)'))
        admin.dispose()
    print(f"day of {n} reads: reads {t.dropping.wall:.2f} s, images {t.retiring.wall:.2f} s, purge "
          f"{t.whole.wall:.2f} s; {t.files:,} files deleted after it in {t.after.wall:.1f} s; CPU s "
          f"{t.whole.cpu}, after {t.after.cpu}", flush=True)  # fmt: skip
    on_disk = (
        f"its {written:,} image files ({size} bytes each) written into its day folder beforehand ({written_s:.0f} s)"
        if with_files
        else "no image file on disk (`--day-files` writes them)"
    )
    lines = [
        f"`python -m benchmarks.purge --pg-url URL --day-reads {n}"
        f"{f' --day-files --file-bytes {size}' if with_files else ''}`: "
        f"PostgreSQL, `reads` and `read_images` partitioned by day (ADR 0019, 0023). One expired day of {n:,} reads "
        f"(two image hashes each, 1,000 with an alert, 10 under a hold) and two kept days of {n // 10:,}; the store "
        f"loaded with `generate_series` in {loaded:.0f} s, then `VACUUM ANALYZE`; {on_disk}. Timed in turn: dropping "
        "the day's reads (`day_purge.drop_expired_days`), retiring its images (`image_days.retire_expired_days`: the "
        "held reads' files linked into `kept/`, the day's `read_images` partition detached, the folder renamed into "
        "`retired/`), the rest of the purge (the whole purge is the three; each detached partition is renamed "
        "`detached_…`, not dropped); then, after the purge and outside its locks, dropping the two detached tables and "
        "deleting the retired folder (`image_days.after_purge`, which the server runs after each purge).",
        "",
        "| reads in the day | reads deleted | held kept | reads dropped (s) | images retired (s) | **whole purge (s)** "
        "| images deleted | tables and files deleted after (s) | 1-min load (start → end) |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {n:,} | {t.reads:,} | {t.held} | {t.dropping.wall:.2f} | {t.retiring.wall:.2f} | **{t.whole.wall:.2f}** | "
        f"{t.images:,} | {t.files:,} in {t.after.wall:.1f} | {loads} |",
        "",
        "CPU seconds of each step: this benchmark's process (which runs the purge, as the server's process would) and "
        "the PostgreSQL cluster's process tree (postmaster, backends, background processes), from /proc in clock "
        "ticks (0.01 s); other jobs' processes are not counted.",
        "",
        "| step | wall s | benchmark process CPU s | PostgreSQL CPU s |",
        "|---|---|---|---|",
        *(
            f"| {label} | {step.wall:.2f} | {step.cpu['benchmark']:.2f} | {step.cpu['postgresql']:.2f} |"
            for label, step in (("reads dropped", t.dropping), ("images retired", t.retiring),
                                ("rest of the purge", t.rest), ("**whole purge**", t.whole),
                                ("tables and files deleted after", t.after))
        ),
    ]  # fmt: skip
    write_section("purge-day", "### The purge of one day (PostgreSQL, day partitions)\n\n" + "\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg-url", help="a PostgreSQL server URL (a database is created and dropped)")
    ap.add_argument("--reads", type=int, default=200_000)
    ap.add_argument("--day-reads", type=int, default=0, help="also drop one day of N reads (PostgreSQL)")
    ap.add_argument("--day-files", action="store_true", help="with --day-reads: its image files really on disk")
    ap.add_argument("--file-bytes", type=int, default=4096, help="the size of each of those files")
    args = ap.parse_args()
    now = dt.datetime.now(dt.UTC)
    lines = [
        f"`python -m benchmarks.purge{' --pg-url URL' if args.pg_url else ''} --reads {args.reads}`: {args.reads:,} "
        "reads, half captured 20 days ago, each with its own plate and vehicle image hash; one purge. The server "
        "purges every hour: a town's 50 k reads a day are about 2,100 reads per run, a state's 1 M about 42,000. CPU: "
        "this benchmark's process (which runs the purge, as the server's process would) and, on PostgreSQL, the "
        "cluster's process tree (postmaster, backends, background processes), from /proc; other jobs' processes are "
        "not counted. Load: the 1-minute load average when the purge started → when it ended.",
        "",
        "| backend | reads deleted | images deleted | seconds | reads per second | benchmark process CPU s "
        "| PostgreSQL CPU s | 1-min load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        if args.day_reads and args.pg_url:
            day_section(args.pg_url, args.day_reads, now, tmp, args.day_files, args.file_bytes)
        if args.reads == 0:
            return
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
                roots = {"benchmark": os.getpid()}
                if name == "PostgreSQL":
                    roots["postgresql"] = postmaster_pid(url)
                start_load = load_1min()
                spent, reads, images = timed_purge(url, Path(tmp) / "images", now, Trees(roots))
                print(f"{name}: {reads} reads, {images} images in {spent.wall:.1f} s, CPU s {spent.cpu}", flush=True)
                pg_cpu = f"{spent.cpu['postgresql']:.1f}" if "postgresql" in spent.cpu else "—"
                lines.append(f"| {name} | {reads:,} | {images:,} | {spent.wall:.1f} | {reads / spent.wall:,.0f} | "
                             f"{spent.cpu['benchmark']:.1f} | {pg_cpu} | {load_span(start_load)} |")  # fmt: skip
        finally:
            if admin is not None:
                with admin.connect() as c:
                    c.execute(text('DROP DATABASE IF EXISTS "pw_purge_bench" WITH (FORCE)'))
                admin.dispose()
    write_section("purge", "### The purge\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
