"""The day partitions of `reads` on PostgreSQL (ADR 0019): which exist, and making the days ahead (the scheduler).
SQLite's `reads` is one table: every function here does nothing there."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import text
from sqlalchemy.orm import Session

from platewatch.domain.read_days import (
    AHEAD_DAYS,
    DEFAULT_PARTITION,
    bounds,
    day_of_partition,
    days_to_make,
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
    rows = db.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'reads'::regclass"
        )
    )
    out: dict[dt.date, str] = {}
    for (name,) in rows:
        day = day_of_partition(name)
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
    """Make one day's partition. Creating it checks the default partition holds no read of that day (PostgreSQL scans
    it: small, it holds only held reads of dropped days and strays); when it does, they move into the new table
    first, and the table is attached."""
    name, (start, end) = partition_name(day), bounds(day)
    values = f"FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    strays = db.scalar(
        text(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} WHERE captured_at >= :s AND captured_at < :e)"),
        {"s": start, "e": end},
    )
    if not strays:
        db.execute(text(f"CREATE TABLE {name} PARTITION OF reads FOR VALUES {values}"))
        return
    db.execute(text(f"CREATE TABLE {name} (LIKE reads INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    db.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE captured_at >= :s AND captured_at < :e "
            f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
        ),
        {"s": start, "e": end},
    )
    db.execute(text(f"ALTER TABLE reads ATTACH PARTITION {name} FOR VALUES {values}"))
