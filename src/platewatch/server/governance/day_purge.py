"""The purge of whole days on PostgreSQL (ADR 0019): a day partition past the retention period is detached and dropped,
its held reads kept first in the default partition, its alerts, repeats and released holdings deleted with it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from platewatch.domain.read_days import DETACHED_PREFIX, detached_day, expired_days
from platewatch.server.reads.image_files_lock import lock_for_deleting
from platewatch.server.reads.partitions import day_partitions, partitioned

log = logging.getLogger(__name__)

LOCK_TIMEOUT = "5s"
"""How long a day's drop waits for the searches and uploads using `reads` (it needs the table alone for a moment); on
timeout that day is left to the purge's next run, and its expired reads to the row-by-row purge of this one."""
_ACTIVE_HELD = "SELECT h.read_id FROM held_reads h JOIN legal_holds l ON l.id = h.hold_id WHERE l.released_at IS NULL"


@dataclass(frozen=True)
class DaysDropped:
    """What dropping the expired days deleted and kept."""

    days: list[dt.date]
    reads_deleted: int
    alerts_deleted: int
    reads_kept: int


def drop_expired_days(db: Session, cutoff: dt.datetime, *, commit: bool = True) -> DaysDropped:
    """Drop every day partition whose reads are all past `cutoff`, one transaction per day (or none: a dry run passes
    `commit=False`, and its caller rolls everything back). Nothing on SQLite or an unpartitioned store."""
    if not partitioned(db):
        return DaysDropped([], 0, 0, 0)
    names = day_partitions(db)
    dropped: list[dt.date] = []
    reads = alerts = kept = 0
    for day in expired_days(set(names), cutoff):
        try:
            n_reads, n_alerts, n_kept = _drop_day(db, names[day])
        except Exception as exc:  # a lock not granted in time, most often: the next run tries again
            if not commit:
                raise
            db.rollback()
            log.warning("purge: day %s not dropped (%s); its reads go one by one", day, type(exc).__name__)
            continue
        if commit:
            db.commit()
        dropped.append(day)
        reads, alerts, kept = reads + n_reads, alerts + n_alerts, kept + n_kept
    return DaysDropped(dropped, reads, alerts, kept)


def retire_table(db: Session, name: str) -> None:
    """Rename a detached day partition out of the way (`detached_…`), for `drop_retired_tables` to drop after the purge:
    dropping it here would free its files' blocks in the purge's commit (about 0.3 s for a day of 1 M reads on a
    filesystem mounted with `discard`, ADR 0023), while `reads` is locked."""
    db.execute(text(f"DROP TABLE IF EXISTS {DETACHED_PREFIX}{name}"))  # left by a run that stopped before dropping it
    db.execute(text(f"ALTER TABLE {name} RENAME TO {DETACHED_PREFIX}{name}"))


def drop_retired_tables(db: Session) -> list[str]:
    """Drop the day partitions the purge detached and renamed (after the purge, outside its locks: no query names
    them), one transaction each; the tables dropped. Nothing on SQLite."""
    if db.get_bind().dialect.name != "postgresql":
        return []
    found = text(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace "
        "AND starts_with(relname, :prefix) ORDER BY relname"
    )
    names = [name for name in db.scalars(found, {"prefix": DETACHED_PREFIX}) if detached_day(name) is not None]
    db.rollback()
    for name in names:
        db.execute(text(f"DROP TABLE IF EXISTS {name}"))
        db.commit()
    return names


def _drop_day(db: Session, name: str) -> tuple[int, int, int]:
    """Within the caller's transaction: (reads deleted, alerts deleted, held reads kept) of one day partition. Its
    images go whole after it (`image_days.retire_expired_days`, ADR 0023): no read of the day is looked at for them."""
    db.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    # Holds being placed and uploads in flight finish first, and wait for this drop (the image-files lock, which
    # placing a hold takes too). Then `reads` alone, the table before its partition as every query locks them (the
    # other order deadlocks with a search): every transaction that read one of the day's reads (to raise an alert on
    # it, or hold it) has ended, so each reference to them is committed and is deleted below. DETACH needs this lock
    # anyway; the drop holds it for well under a second (docs/benchmarks.md).
    lock_for_deleting(db)
    db.execute(text("LOCK TABLE reads IN ACCESS EXCLUSIVE MODE"))
    total = int(db.scalar(text(f"SELECT count(*) FROM {name}")) or 0)
    db.execute(
        text(f"CREATE TEMP TABLE purge_kept ON COMMIT DROP AS SELECT * FROM {name} WHERE id IN ({_ACTIVE_HELD})")
    )
    kept = int(db.scalar(text("SELECT count(*) FROM purge_kept")) or 0)
    gone = f"SELECT id FROM {name} WHERE id NOT IN (SELECT id FROM purge_kept)"
    db.execute(text(f"DELETE FROM alert_repeats WHERE read_id IN ({gone})"))
    alerts = db.execute(text(f"DELETE FROM alerts WHERE read_id IN ({gone})"))
    # Only items of released holds remain among the holdings of reads not kept.
    db.execute(text(f"DELETE FROM held_reads WHERE read_id IN ({gone})"))
    db.execute(text(f"ALTER TABLE reads DETACH PARTITION {name}"))
    # The day's range is no partition's now: its held reads go to the default partition, unchanged.
    db.execute(text("INSERT INTO reads SELECT * FROM purge_kept"))
    retire_table(db, name)
    db.execute(text("DROP TABLE purge_kept"))
    return total - kept, int(getattr(alerts, "rowcount", 0) or 0), kept
