"""The day partitions of `reads` and `read_images` on PostgreSQL (ADR 0019, 0023): which exist, and making the days
ahead (the scheduler). SQLite's tables are one table each: every function here does nothing there."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from platewatch.domain.read_days import (
    AHEAD_DAYS,
    DEFAULT_PARTITION,
    IMAGE_DEFAULT_PARTITION,
    bounds,
    day_of_image_partition,
    day_of_partition,
    days_to_make,
    image_partition_name,
    partition_name,
)

log = logging.getLogger(__name__)

PARTITIONS_LOCK = 0x504C_5750_5254  # "PLWPRT": one server at a time makes partitions


def partitioned(db: Session) -> bool:
    """Whether this store's `reads` is partitioned by day (PostgreSQL after migration 0031)."""
    if db.get_bind().dialect.name != "postgresql":
        return False
    return bool(db.scalar(text("SELECT relkind = 'p' FROM pg_class WHERE oid = 'reads'::regclass")))


def day_partitions(db: Session) -> dict[dt.date, str]:
    """The day partitions of `reads` by day (the default partition is not one)."""
    return _partitions(db, "reads", day_of_partition)


def image_day_partitions(db: Session) -> dict[dt.date, str]:
    """The day partitions of `read_images` by day (ADR 0023; the default partition is not one)."""
    return _partitions(db, "read_images", day_of_image_partition)


def _partitions(db: Session, table: str, day_of_name: Callable[[str], dt.date | None]) -> dict[dt.date, str]:
    rows = db.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            f"WHERE i.inhparent = '{table}'::regclass"
        )
    )
    out: dict[dt.date, str] = {}
    for (name,) in rows:
        day = day_of_name(name)
        if day is not None:
            out[day] = name
    return out


def make_days(db: Session, now: dt.datetime, ahead: int = AHEAD_DAYS) -> list[dt.date]:
    """Make the partitions of yesterday, today and the `ahead` days after it that are missing; the days made. Does not
    commit. Reads of such a day already in the default partition (stored before its partition existed) move into it."""
    if not partitioned(db):
        return []
    if not days_to_make(now, set(day_partitions(db)), ahead):
        return []
    db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PARTITIONS_LOCK})
    # `reads` before any partition, as every query locks them (the other order deadlocks with a search); making a
    # partition needs this lock anyway, for a moment once a day.
    db.execute(text("LOCK TABLE reads IN ACCESS EXCLUSIVE MODE"))
    made = days_to_make(now, set(day_partitions(db)), ahead)
    for day in made:
        make_day(db, day)
    if made:
        log.info("made %d day partitions of reads, %s to %s", len(made), made[0], made[-1])
    return made


def make_day(db: Session, day: dt.date) -> None:
    """Make one day's partitions of `reads` and of `read_images` (the latter only where it is missing)."""
    start, end = bounds(day)
    _make_partition(db, "reads", partition_name(day), DEFAULT_PARTITION, "captured_at", start, end)
    if day not in image_day_partitions(db):
        _make_partition(db, "read_images", image_partition_name(day), IMAGE_DEFAULT_PARTITION, "day", day,
                        day + dt.timedelta(days=1))  # fmt: skip


def _make_partition(
    db: Session, table: str, name: str, default: str, key: str, start: dt.date | dt.datetime, end: dt.date | dt.datetime
) -> None:
    """Make one day's partition of `table`. Creating it checks the default partition holds no row of that day
    (PostgreSQL scans it: small, it holds only held reads of dropped days and strays); when it does, they move into
    the new table first, and the table is attached."""
    values = f"FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    strays = db.scalar(
        text(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {key} >= :s AND {key} < :e)"), {"s": start, "e": end}
    )
    if not strays:
        db.execute(text(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES {values}"))
        return
    db.execute(text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    db.execute(
        text(
            f"WITH moved AS (DELETE FROM {default} WHERE {key} >= :s AND {key} < :e "
            f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
        ),
        {"s": start, "e": end},
    )
    db.execute(text(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES {values}"))
