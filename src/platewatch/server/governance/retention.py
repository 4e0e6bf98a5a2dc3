"""The purge (order V.D.3-4): reads past the retention period and not under a legal hold are deleted with their
alerts and images; hot-list versions no kept read or alert needs go too, and data requests past the current year plus
one (V.D.9); each run is recorded, dry runs too (marked)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, ColumnElement, Executable, Select, Table, bindparam, delete, func, select, tuple_
from sqlalchemy.orm import Session

from platewatch.domain.log_pages import PAGE_SIZE, Cursor, PurgeFilter
from platewatch.domain.retention import ListVersion, RetentionPolicy, purgeable_versions
from platewatch.server.alerts.models import Alert, AlertRepeat
from platewatch.server.data_requests import service as data_requests
from platewatch.server.governance.day_purge import drop_expired_days
from platewatch.server.governance.image_days import retire_expired_days
from platewatch.server.governance.models import HeldRead, LegalHold, PurgeRun
from platewatch.server.hotlists.models import HotListEntryRow, HotListVersion
from platewatch.server.log_pages import Page, keyset_page
from platewatch.server.reads.image_files_lock import lock_for_deleting
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read, ReadImage

log = logging.getLogger(__name__)
IMAGES = cast(Table, ReadImage.__table__)

BATCH = 5000
"""Reads deleted per transaction: a long purge never holds its locks for long."""
IMAGE_PART = 5000
"""Unused images deleted per transaction (under the image-files lock): a commit costs a filesystem sync, and deleting
5,000 files takes about 0.1 s."""


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted (or, in a dry run, would delete) and what holds kept."""

    cutoff: dt.datetime
    reads_deleted: int
    alerts_deleted: int
    images_deleted: int
    hotlist_versions_deleted: int
    reads_held: int
    dry_run: bool
    requests_deleted: int = 0
    """Data requests past the current year plus one of their last step (V.D.9)."""


def held_read_ids() -> ColumnElement[bool]:
    """`Read.id IN (reads under an active hold)`."""
    active = select(HeldRead.read_id).join(LegalHold, LegalHold.id == HeldRead.hold_id)
    return Read.id.in_(active.where(LegalHold.released_at.is_(None)))


def purge(
    db: Session,
    store: ImageStore,
    now: dt.datetime,
    policy: RetentionPolicy,
    ran_by: str,
    *,
    dry_run: bool = False,
    batch: int = BATCH,
    tz: ZoneInfo | None = None,
) -> PurgeReport:
    """Delete what the retention period and the holds allow, in batches, and record the run. A dry run
    deletes inside one transaction, counts, rolls everything back (no file is touched), and records its counts as a
    dry run. `tz`: the agency's zone, whose calendar years the data-request register is kept by (UTC when None)."""
    cutoff = policy.cutoff(now)
    old = Read.captured_at < cutoff
    held = int(db.scalar(select(func.count()).select_from(Read).where(old, held_read_ids())) or 0)
    # PostgreSQL: the days wholly past the cutoff go first, a partition at a time (ADR 0019); the rest row by row.
    days = drop_expired_days(db, cutoff, commit=not dry_run)
    reads, alerts = days.reads_deleted, days.alerts_deleted
    expired = (
        select(Read.id, Read.captured_at).where(old, ~held_read_ids()).order_by(Read.captured_at, Read.id).limit(batch)
    )
    after: tuple[dt.datetime, uuid.UUID] | None = None
    while True:
        # Keyset: each batch starts after the last one, never rescanning the (not yet vacuumed) deleted rows; a row
        # value on the (captured_at, id) index reads the next batch in order, so a purge is linear in its rows.
        stmt = expired if after is None else expired.where(tuple_(Read.captured_at, Read.id) > tuple_(*after))
        chunk: list[uuid.UUID] = []
        for rid, captured_at in db.execute(stmt):
            chunk.append(rid)
            after = (captured_at, rid)
        if not chunk:
            break
        n_alerts, n_reads = delete_reads(db, chunk)
        alerts, reads = alerts + n_alerts, reads + n_reads
        if not dry_run:
            db.commit()
    versions = _purge_versions(db, cutoff)
    requests = data_requests.purge(db, now, tz or ZoneInfo("UTC"))
    if dry_run:
        unused = int(db.scalar(select(func.count()).select_from(unused_images(cutoff).subquery())) or 0)
        report = PurgeReport(cutoff, reads, alerts, unused, versions, held, True, requests)
        db.rollback()
        db.add(_run(now, ran_by, report, dry_run=True))  # the purge log shows dry runs too, marked
        db.commit()
        return report
    db.commit()
    # After the commit, only once no stored read names a file: whole days first (ADR 0023), then the rest one by one.
    images = retire_expired_days(db, store, cutoff).images_deleted
    images += _delete_unused_images(db, store, cutoff)
    report = PurgeReport(cutoff, reads, alerts, images, versions, held, False, requests)
    db.add(_run(now, ran_by, report, dry_run=False))
    db.commit()
    log.info("purge: %d reads, %d alerts, %d images, %d hot-list versions deleted; %d held", reads, alerts,
             images, versions, held)  # fmt: skip
    return report


def _run(now: dt.datetime, ran_by: str, report: PurgeReport, *, dry_run: bool) -> PurgeRun:
    """The purge log's row of a run (a dry run's counts are what it would have deleted)."""
    return PurgeRun(
        ran_at=now, cutoff=report.cutoff, ran_by=ran_by, reads_deleted=report.reads_deleted,
        alerts_deleted=report.alerts_deleted, images_deleted=report.images_deleted,
        hotlist_versions_deleted=report.hotlist_versions_deleted, reads_held=report.reads_held, dry_run=dry_run,
    )  # fmt: skip


def delete_reads(db: Session, ids: list[uuid.UUID]) -> tuple[int, int]:
    """Delete these reads, but none under an active hold, and their alerts and repeats; (alerts, reads) deleted. Only
    items of *released* holds go with them. The image-files lock, which placing a hold takes too, is held from before
    the holds are read until the commit: a hold placed meanwhile (after the reads were chosen) is either seen here and
    its reads kept, or is placed after the commit and finds them gone. So a hold always wins over a purge."""
    lock_for_deleting(db)
    active = select(HeldRead.read_id).join(LegalHold, LegalHold.id == HeldRead.hold_id)
    held = set(db.scalars(active.where(LegalHold.released_at.is_(None), HeldRead.read_id.in_(ids))))
    ids = [i for i in ids if i not in held]
    if not ids:
        return 0, 0
    # One expanding parameter per statement: a list of literals would be coerced value by value each time.
    chosen: BindParameter[list[uuid.UUID]] = bindparam("ids", expanding=True)
    released = select(LegalHold.id).where(LegalHold.released_at.is_not(None))
    holdings = delete(HeldRead).where(HeldRead.read_id.in_(chosen), HeldRead.hold_id.in_(released))
    if db.get_bind().dialect.name == "postgresql":
        # No foreign key names a read there (ADR 0019). The reads go first: an alert raised meanwhile on one of them
        # locks it (`alerts.service`), so this waits for that alert's commit and the deletes below see it.
        n_reads = _deleted(db, delete(Read).where(Read.id.in_(chosen)), ids)
        db.execute(delete(AlertRepeat).where(AlertRepeat.read_id.in_(chosen)), {"ids": ids})
        n_alerts = _deleted(db, delete(Alert).where(Alert.read_id.in_(chosen)), ids)
        db.execute(holdings, {"ids": ids})
        return n_alerts, n_reads
    db.execute(delete(AlertRepeat).where(AlertRepeat.read_id.in_(chosen)), {"ids": ids})
    n_alerts = _deleted(db, delete(Alert).where(Alert.read_id.in_(chosen)), ids)
    db.execute(holdings, {"ids": ids})
    return n_alerts, _deleted(db, delete(Read).where(Read.id.in_(chosen)), ids)


def run_conditions(f: PurgeFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of the purge log's criteria."""
    found: list[ColumnElement[bool]] = []
    if f.ran_by is not None:
        found.append(PurgeRun.ran_by == f.ran_by)
    if f.dry_run is not None:
        found.append(PurgeRun.dry_run.is_(f.dry_run))
    if f.since is not None:
        found.append(PurgeRun.ran_at >= f.since)
    if f.until is not None:
        found.append(PurgeRun.ran_at < f.until)
    return found


def runs_page(db: Session, f: PurgeFilter, cursor: Cursor | None = None, limit: int = PAGE_SIZE) -> Page[PurgeRun]:
    """One page of the purge log matching `f`, newest first."""
    return keyset_page(db, PurgeRun, (PurgeRun.ran_at, PurgeRun.id), run_conditions(f), cursor, limit)


def matching_runs(db: Session, f: PurgeFilter, limit: int) -> list[PurgeRun]:
    """The newest `limit` runs matching `f` (an export)."""
    newest_first = (PurgeRun.ran_at.desc(), PurgeRun.id.desc())
    return list(db.scalars(select(PurgeRun).where(*run_conditions(f)).order_by(*newest_first).limit(limit)))


def _deleted(db: Session, statement: Executable, ids: list[uuid.UUID]) -> int:
    result = db.execute(statement, {"ids": ids})
    return int(getattr(result, "rowcount", 0) or 0)


def _purge_versions(db: Session, cutoff: dt.datetime) -> int:
    """Delete the hot-list versions (and their entries) that no kept read or alert needs."""
    versions = [ListVersion(i, h, c) for i, h, c in db.execute(select(HotListVersion.id, HotListVersion.hotlist_id,
                                                                      HotListVersion.created_at))]  # fmt: skip
    read_versions = db.scalars(select(Read.hotlist_version).where(Read.hotlist_version.is_not(None)).distinct())
    alert_versions = set(db.scalars(select(Alert.version_id).distinct()))
    alert_versions |= set(
        db.scalars(select(HotListEntryRow.version_id).where(HotListEntryRow.id.in_(select(Alert.entry_id))).distinct())
    )
    doomed = sorted(purgeable_versions(versions, [v for v in read_versions if v is not None], alert_versions, cutoff))
    for k in range(0, len(doomed), 500):
        part = doomed[k : k + 500]
        db.execute(delete(HotListEntryRow).where(HotListEntryRow.version_id.in_(part)))
        db.execute(delete(HotListVersion).where(HotListVersion.id.in_(part)))
    return len(doomed)


def unused_images(cutoff: dt.datetime) -> Select[dt.date, str, dt.datetime]:
    """The images no stored read names, once the expired reads are gone (ADR 0019, 0023): last used in their day
    before the cutoff, and named by none of the reads still stored from before it (held ones, or one whose hold was
    just released; of any day: a shared image is kept a little longer, never too short), in `(last_captured_at,
    digest)` order. Every read naming an image was captured at or before its last use, on its day."""
    plates = select(Read.plate_image.label("d")).where(Read.captured_at < cutoff, Read.plate_image.is_not(None))
    vehicles = select(Read.vehicle_image).where(Read.captured_at < cutoff, Read.vehicle_image.is_not(None))
    left = plates.union(vehicles).subquery()
    return (
        select(ReadImage.day, ReadImage.digest, ReadImage.last_captured_at)
        .where(ReadImage.day <= cutoff.astimezone(dt.UTC).date())  # only the expired days' partitions are read
        .where(ReadImage.last_captured_at < cutoff, ReadImage.digest.not_in(select(left.c.d)))
        .order_by(ReadImage.last_captured_at, ReadImage.digest)
    )


def _delete_unused_images(db: Session, store: ImageStore, cutoff: dt.datetime, part: int = IMAGE_PART) -> int:
    """Delete the image files no stored read names any more, and their rows; how many. Each part's rows are deleted,
    then its files, then the transaction commits, all under the image-files lock: a read being stored meanwhile with
    a byte-identical image (which finds the file present and writes nothing) either committed first (its use is then
    newer than the cutoff) or waits and writes the file again. A crash between the files and the commit leaves rows
    without files (deleted again by the next purge), never a file that no row remembers."""
    deleted = 0
    after: tuple[dt.datetime, str] | None = None
    while True:
        # Keyset: each part starts after the last one's (time, digest), never walking again over the index entries of
        # the rows deleted before (PostgreSQL keeps them until a vacuum: without this, 2 M images took 95 s, not 10x
        # the 3.4 s of 200 k). The part's last row is read first: only its time is parsed, not each image's.
        lock_for_deleting(db)
        chosen = unused_images(cutoff)
        if after is not None:
            chosen = chosen.where(tuple_(ReadImage.last_captured_at, ReadImage.digest) > tuple_(*after))
        this = chosen.limit(part).subquery()
        end = db.execute(
            select(this.c.last_captured_at, this.c.digest)
            .order_by(this.c.last_captured_at.desc(), this.c.digest.desc())
            .limit(1)
        ).first()
        if end is None:
            db.commit()
            return deleted
        key = tuple_(IMAGES.c.day, IMAGES.c.digest)
        gone = db.execute(
            delete(IMAGES).where(key.in_(select(this.c.day, this.c.digest))).returning(IMAGES.c.day, IMAGES.c.digest)
        ).all()
        for day, digest in gone:
            store.remove(day, digest)
        db.commit()
        deleted += len(gone)
        after = (end[0], end[1])
