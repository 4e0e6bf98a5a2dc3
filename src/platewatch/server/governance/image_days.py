"""The purge of whole days of images (ADR 0023): once a day's reads are gone, its image rows go at once (a partition
dropped on PostgreSQL, a range of the key deleted on SQLite) and its folder is renamed away, to be deleted after the
purge. The images of the day's reads still stored (held) are linked into `kept/` first."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Delete, Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from platewatch.domain.image_days import days_to_retire
from platewatch.domain.read_days import bounds
from platewatch.server.governance.day_purge import drop_retired_tables, retire_table
from platewatch.server.reads.image_files_lock import lock_for_deleting
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read, ReadImage, RetiredImageDay
from platewatch.server.reads.partitions import image_day_partitions, partitioned

log = logging.getLogger(__name__)
IMAGES = cast(Table, ReadImage.__table__)
LOCK_TIMEOUT = "5s"
"""How long dropping a day's image partition waits for the uploads writing to `read_images`."""


@dataclass(frozen=True)
class ImageDaysRetired:
    """What retiring the expired days of images deleted and kept."""

    days: list[dt.date]
    images_deleted: int
    images_kept: int


def retire_expired_days(db: Session, store: ImageStore, cutoff: dt.datetime) -> ImageDaysRetired:
    """After the expired reads are deleted: every day wholly past `cutoff` loses its image rows and folder, one
    transaction per day; its files are deleted later by `ImageStore.empty_retired`. A day that cannot be retired now
    (a lock not granted in time) is left to the next run."""
    retired = set(db.scalars(select(RetiredImageDay.day)))
    store.retire_legacy()  # the store is migrated (the query above proves it): the old layout's links can go
    days: list[dt.date] = []
    deleted = kept = 0
    for day in days_to_retire(_days_with_rows(db, cutoff, retired), retired, store.day_folders(), cutoff):
        try:
            n_deleted, n_kept = _retire(db, store, day, day not in retired)
        except Exception as exc:
            db.rollback()
            log.warning("purge: images of %s not retired (%s); next run", day, type(exc).__name__)
            continue
        days.append(day)
        deleted, kept = deleted + n_deleted, kept + n_kept
    return ImageDaysRetired(days, deleted, kept)


def after_purge(db: Session, store: ImageStore) -> int:
    """What the purge leaves to be deleted after it, outside its locks: the day partitions it detached (PostgreSQL)
    and the image folders it retired; how many files went. The server runs it after each purge (its scheduler's
    thread), `platewatch server purge` after printing its report."""
    drop_retired_tables(db)
    return store.empty_retired()


def _retire(db: Session, store: ImageStore, day: dt.date, first: bool) -> tuple[int, int]:
    """Retire one day: (image rows deleted, images kept). In order, so that a crash anywhere leaves no stored read
    without its file: the kept files linked (durably); the rows deleted and the day recorded as retired (one
    commit: from then on ingest refuses reads of the day); only then the folder renamed away."""
    lock_for_deleting(db)  # uploads finish first; no read of the day can be stored while this runs
    start, end = bounds(day)
    named = select(Read.plate_image, Read.vehicle_image).where(Read.captured_at >= start, Read.captured_at < end)
    kept = sorted({d for pair in db.execute(named) for d in pair if d})  # held reads (a handful), or none
    store.keep(day, kept)
    deleted = _delete_rows(db, day, kept)
    if first:
        db.execute(insert(RetiredImageDay).values(day=day, retired_at=func.now()))
    db.commit()
    store.retire_day(day)
    for digest in store.kept_digests(day) - set(kept):  # linked by a run that stopped before its commit
        store.remove(day, digest)
    return deleted, len(kept)


def _delete_rows(db: Session, day: dt.date, kept: list[str]) -> int:
    """Delete the day's image rows but those of `kept`. PostgreSQL: the day's partition goes whole (its kept rows are
    inserted again, into the default partition); SQLite: one range of the key."""
    deleted = 0
    if partitioned(db):
        name = image_day_partitions(db).get(day)
        if name is not None:
            db.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            db.execute(text("LOCK TABLE read_images IN ACCESS EXCLUSIVE MODE"))
            db.execute(  # by the key (day, digest): a few index probes, not a scan of the day
                text(
                    f"CREATE TEMP TABLE images_kept ON COMMIT DROP AS SELECT * FROM {name} "
                    "WHERE day = :day AND digest = ANY(:d)"
                ),
                {"day": day, "d": kept},
            )
            deleted = int(db.scalar(text(f"SELECT count(*) FROM {name}")) or 0)
            deleted -= int(db.scalar(text("SELECT count(*) FROM images_kept")) or 0)
            db.execute(text(f"ALTER TABLE read_images DETACH PARTITION {name}"))
            db.execute(text("INSERT INTO read_images SELECT * FROM images_kept"))
            retire_table(db, name)  # dropped after the purge (`drop_retired_tables`)
            db.execute(text("DROP TABLE images_kept"))
    result = db.execute(day_rows(day, kept))
    return deleted + int(getattr(result, "rowcount", 0) or 0)


def day_rows(day: dt.date, kept: list[str]) -> Delete:
    """The delete of a day's image rows but those of `kept`: one range of the key (day, digest) on SQLite; on
    PostgreSQL, after the day's partition is dropped, the few rows of the day in the default partition."""
    return delete(ReadImage).where(ReadImage.day == day, ReadImage.digest.not_in(kept))


def _days_with_rows(db: Session, cutoff: dt.datetime, retired: set[dt.date]) -> set[dt.date]:
    """The days before the cutoff's day that have image rows and are not retired. PostgreSQL: its day partitions;
    SQLite: one index probe per day (`min(day)` after the last)."""
    last = cutoff.astimezone(dt.UTC).date()
    if partitioned(db):
        return {d for d in image_day_partitions(db) if d < last}
    found: set[dt.date] = set()
    after: dt.date | None = None
    while True:
        stmt = select(func.min(ReadImage.day)).where(ReadImage.day < last)
        if after is not None:
            stmt = stmt.where(ReadImage.day > after)
        after = db.scalar(stmt)
        if after is None:
            return found
        if after not in retired:
            found.add(after)
