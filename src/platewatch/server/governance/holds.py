"""Legal holds (order V.D.4): placing one on reads, listing, releasing (each a security event). Callers commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from platewatch.domain.plates import canonical
from platewatch.domain.retention import HoldScope
from platewatch.server.accounts.service import record_event
from platewatch.server.errors import ApiError
from platewatch.server.governance.models import HeldRead, LegalHold
from platewatch.server.governance.schemas import HoldCreate, HoldDetail, HoldPublic
from platewatch.server.reads.image_files_lock import lock_for_deleting
from platewatch.server.reads.models import Read


class HoldError(ApiError):
    """A hold that cannot be found, placed or released (rendered like any ApiError)."""


def get_hold(db: Session, hold_id: int) -> LegalHold:
    hold = db.get(LegalHold, hold_id)
    if hold is None:
        raise HoldError(404, "hold_not_found", f"no legal hold {hold_id}")
    return hold


def covered_reads(db: Session, scope: HoldCreate) -> list[uuid.UUID]:
    """The stored reads the scope names; unknown read ids are refused (nothing is held then)."""
    found: set[uuid.UUID] = set()
    if scope.read_ids:
        wanted = set(scope.read_ids)
        found = set(db.scalars(select(Read.id).where(Read.id.in_(wanted))))
        missing = sorted(str(i) for i in wanted - found)
        if missing:
            raise HoldError(404, "reads_not_found", f"no stored read with id {', '.join(missing[:5])}"
                            + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))  # fmt: skip
    if scope.plate is not None:
        stmt = select(Read.id).where(Read.plate_canonical == canonical(scope.plate))
        if scope.captured_from is not None:
            stmt = stmt.where(Read.captured_at >= scope.captured_from)
        if scope.captured_to is not None:
            stmt = stmt.where(Read.captured_at < scope.captured_to)
        found |= set(db.scalars(stmt))
    if not found:
        raise HoldError(404, "no_reads", "no stored read matches: nothing to hold (purged reads cannot be held)")
    return sorted(found)


def place(db: Session, scope: HoldCreate, case_number: str, who: str, at: dt.datetime) -> HoldDetail:
    """A new active hold on the reads the scope names."""
    # Uploads in flight finish first and new ones wait until this hold is committed: a read being stored is either
    # found here or finds this hold (`hold_late_reads`). Milliseconds; on SQLite the transaction is the lock.
    lock_for_deleting(db)
    ids = covered_reads(db, scope)
    hold = LegalHold(
        case_number=case_number,
        reason=scope.reason.strip(),
        created_by=who,
        created_at=at,
        plate=scope.plate,
        captured_from=scope.captured_from,
        captured_to=scope.captured_to,
    )
    db.add(hold)
    db.flush()
    db.add_all(HeldRead(hold_id=hold.id, read_id=i) for i in ids)
    db.flush()
    record_event(db, who, "legal_hold_placed", "success", f"hold {hold.id}: {len(ids)} reads")
    return HoldDetail(**_public(hold, len(ids)).model_dump(), read_ids=ids)


def hold_late_reads(db: Session, stored: Sequence[tuple[uuid.UUID, str, dt.datetime]]) -> int:
    """Put reads just stored (id, canonical plate, capture time) under every active hold placed by plate whose scope
    catches them (`HoldScope.catches_late_read`); returns how many holdings were added. Does not commit: it is part
    of the ingest's transaction."""
    if not stored:
        return 0
    plates = {plate for _, plate, _ in stored}
    scopes = [
        (hold.id, HoldScope(canonical(hold.plate), hold.captured_from, hold.captured_to, hold.created_at))
        for hold in db.scalars(select(LegalHold).where(LegalHold.released_at.is_(None), LegalHold.plate.is_not(None)))
        if hold.plate is not None
    ]
    rows = [
        {"hold_id": hold_id, "read_id": read_id}
        for hold_id, scope in scopes
        if scope.plate_canonical in plates
        for read_id, plate, captured_at in stored
        if scope.catches_late_read(plate, captured_at)
    ]
    if rows:
        db.execute(insert(HeldRead), rows)
    return len(rows)


def all_holds(db: Session) -> list[HoldPublic]:
    """Every hold, newest first, with the number of its reads still stored."""
    counts = {h: n for h, n in db.execute(select(HeldRead.hold_id, func.count()).group_by(HeldRead.hold_id))}
    rows = db.scalars(select(LegalHold).order_by(LegalHold.id.desc()))
    return [_public(h, int(counts.get(h.id, 0))) for h in rows]


def one(db: Session, hold_id: int) -> HoldDetail:
    hold = get_hold(db, hold_id)
    ids = sorted(db.scalars(select(HeldRead.read_id).where(HeldRead.hold_id == hold_id)))
    return HoldDetail(**_public(hold, len(ids)).model_dump(), read_ids=ids)


def release(db: Session, hold_id: int, note: str, who: str, at: dt.datetime) -> HoldPublic:
    """End the obligation: the reads become purgeable again once no other active hold covers them."""
    hold = get_hold(db, hold_id)
    if hold.released_at is not None:
        raise HoldError(409, "already_released", f"hold {hold_id} was released by {hold.released_by}")
    hold.released_at, hold.released_by, hold.release_note = at, who, note.strip()
    db.flush()
    record_event(db, who, "legal_hold_released", "success", f"hold {hold_id}: {note.strip()}"[:500])
    count = db.scalar(select(func.count()).select_from(HeldRead).where(HeldRead.hold_id == hold_id)) or 0
    return _public(hold, int(count))


def _public(hold: LegalHold, count: int) -> HoldPublic:
    return HoldPublic(
        id=hold.id, case_number=hold.case_number, reason=hold.reason, created_by=hold.created_by,
        created_at=hold.created_at, active=hold.released_at is None, released_by=hold.released_by,
        released_at=hold.released_at, release_note=hold.release_note, read_count=count,
        plate=hold.plate, captured_from=hold.captured_from, captured_to=hold.captured_to,
    )  # fmt: skip
