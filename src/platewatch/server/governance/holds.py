"""Legal holds (order V.D.4): placing one on reads, listing, releasing. Callers commit."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platewatch.domain.plates import canonical
from platewatch.server.governance.models import HeldRead, LegalHold
from platewatch.server.governance.schemas import HoldCreate, HoldDetail, HoldPublic
from platewatch.server.reads.models import Read


class HoldError(ValueError):
    """A hold that cannot be placed or released; `status` is the HTTP answer."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


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
    ids = covered_reads(db, scope)
    hold = LegalHold(case_number=case_number, reason=scope.reason.strip(), created_by=who, created_at=at)
    db.add(hold)
    db.flush()
    db.add_all(HeldRead(hold_id=hold.id, read_id=i) for i in ids)
    db.flush()
    return HoldDetail(**_public(hold, len(ids)).model_dump(), read_ids=ids)


def all_holds(db: Session) -> list[HoldPublic]:
    """Every hold, newest first, with the number of its reads still stored."""
    counts = {h: n for h, n in db.execute(select(HeldRead.hold_id, func.count()).group_by(HeldRead.hold_id))}
    rows = db.scalars(select(LegalHold).order_by(LegalHold.id.desc()))
    return [_public(h, int(counts.get(h.id, 0))) for h in rows]


def one(db: Session, hold_id: int) -> HoldDetail:
    hold = db.get(LegalHold, hold_id)
    if hold is None:
        raise HoldError(404, "hold_not_found", f"no legal hold {hold_id}")
    ids = sorted(db.scalars(select(HeldRead.read_id).where(HeldRead.hold_id == hold_id)))
    return HoldDetail(**_public(hold, len(ids)).model_dump(), read_ids=ids)


def release(db: Session, hold_id: int, note: str, who: str, at: dt.datetime) -> HoldPublic:
    """End the obligation: the reads become purgeable again once no other active hold covers them."""
    hold = db.get(LegalHold, hold_id)
    if hold is None:
        raise HoldError(404, "hold_not_found", f"no legal hold {hold_id}")
    if hold.released_at is not None:
        raise HoldError(409, "already_released", f"hold {hold_id} was released by {hold.released_by}")
    hold.released_at, hold.released_by, hold.release_note = at, who, note.strip()
    db.flush()
    count = db.scalar(select(func.count()).select_from(HeldRead).where(HeldRead.hold_id == hold_id)) or 0
    return _public(hold, int(count))


def _public(hold: LegalHold, count: int) -> HoldPublic:
    return HoldPublic(
        id=hold.id, case_number=hold.case_number, reason=hold.reason, created_by=hold.created_by,
        created_at=hold.created_at, active=hold.released_at is None, released_by=hold.released_by,
        released_at=hold.released_at, release_note=hold.release_note, read_count=count,
    )  # fmt: skip
