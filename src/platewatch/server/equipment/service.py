"""The inventory's records: adding a piece, damage reports, status changes, the annual physical check, cleaning and
service. Callers commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.equipment import CLOSED, PieceHistory, inventory_due, maintenance_due, reconcile
from platewatch.domain.local_time import day_start
from platewatch.server.accounts.models import Unit
from platewatch.server.accounts.service import record_event
from platewatch.server.equipment.models import Equipment, EquipmentEvent
from platewatch.server.equipment.schemas import (
    DamageReport,
    EquipmentCreate,
    EquipmentDetail,
    EquipmentEventPublic,
    EquipmentPublic,
    MaintenanceRecord,
    Reconciliation,
    ReconciliationRowPublic,
    StatusChange,
)
from platewatch.server.errors import ApiError


class EquipmentError(ApiError):
    """A piece that cannot be found, added or changed (rendered like any ApiError)."""


def add(db: Session, body: EquipmentCreate, who: str, at: dt.datetime) -> Equipment:
    if db.scalar(select(Equipment.id).where(Equipment.serial == body.serial)) is not None:
        raise EquipmentError(409, "serial_exists", f"serial {body.serial} is already in the inventory")
    unit_id = None
    if body.unit:
        unit_id = db.scalar(select(Unit.id).where(Unit.name == body.unit))
        if unit_id is None:
            raise EquipmentError(404, "unit_not_found", f"no unit named {body.unit!r}")
    piece = Equipment(serial=body.serial, kind=body.kind, description=body.description.strip(), unit_id=unit_id,
                      location=body.location.strip(), status="in_service", added_at=at,
                      maintain_every_days=body.maintain_every_days)  # fmt: skip
    db.add(piece)
    db.flush()
    _event(db, piece, who, at, "added", "")
    return piece


def report_damage(db: Session, piece_id: int, body: DamageReport, who: str, at: dt.datetime) -> Equipment:
    piece = _open(get(db, piece_id))
    piece.status = "damaged"
    _event(db, piece, who, at, "damage_reported", body.description.strip())
    record_event(db, who, "equipment_damage", "success", f"{piece.serial}: {body.description}"[:500])
    return piece


def change_status(db: Session, piece_id: int, body: StatusChange, who: str, at: dt.datetime) -> Equipment:
    piece = _open(get(db, piece_id))
    piece.status = body.status
    _event(db, piece, who, at, "status_changed", body.note.strip())
    if body.status in ("missing", "lost", "destroyed"):
        record_event(db, who, "equipment_gone", "success", f"{piece.serial}: {body.status}: {body.note.strip()}"[:500])
    return piece


def inventoried(db: Session, piece_id: int, note: str, who: str, at: dt.datetime) -> Equipment:
    """Seen at the physical inventory; a piece recorded missing is back in service (the note says it was found)."""
    piece = _open(get(db, piece_id))
    piece.last_inventoried_at = at
    if piece.status == "missing":
        piece.status = "in_service"
        note = f"found again. {note.strip()}".strip()
    _event(db, piece, who, at, "inventoried", note.strip())
    return piece


def reconciliation(db: Session, year: int, who: str, at: dt.datetime, tz: ZoneInfo) -> Reconciliation:
    """V.A.5: the physical inventory of the agency's `year` (in zone `tz`) reconciled with the record, up to `at` for
    the current year; the making of it is written to the audit trail (a dated record of the reconciliation)."""
    start = day_start(dt.date(year, 1, 1), tz)
    year_end = day_start(dt.date(year + 1, 1, 1), tz)
    end = min(year_end, at)  # what the report covers; nothing is recorded after `at`
    units: dict[uuid.UUID, str] = {uid: name for uid, name in db.execute(select(Unit.id, Unit.name))}
    events: dict[int, list[tuple[dt.datetime, str, str, str, str]]] = {}
    for e in db.scalars(select(EquipmentEvent).order_by(EquipmentEvent.at, EquipmentEvent.id)):
        events.setdefault(e.equipment_id, []).append((_utc(e.at), e.username, e.event, e.status, e.note))
    pieces = [
        PieceHistory(p.serial, p.kind, units.get(p.unit_id, "") if p.unit_id else p.location, _utc(p.added_at),
                     p.status, tuple(events.get(p.id, ())))
        for p in db.scalars(select(Equipment))
    ]  # fmt: skip
    rows = [ReconciliationRowPublic.model_validate(r) for r in reconcile(pieces, start, year_end)]
    counts = {k: 0 for k in ("checked", "not checked", "missing", "lost", "destroyed", "retired")}
    for r in rows:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    summary = f"{year}: {len(rows)} pieces, {counts['checked']} checked, {counts['not checked']} not checked"
    record_event(db, who, "equipment_reconciliation", "success", summary)
    return Reconciliation(year=year, start=start, end=end, generated_at=at, generated_by=who, counts=counts, rows=rows)


def maintained(db: Session, piece_id: int, body: MaintenanceRecord, who: str, at: dt.datetime) -> Equipment:
    """Cleaned or serviced as its manufacturer recommends (V.A.6), perhaps with a new interval."""
    piece = _open(get(db, piece_id))
    piece.last_maintained_at = at
    if body.maintain_every_days is not None:
        piece.maintain_every_days = body.maintain_every_days
    every = f" (every {piece.maintain_every_days} days)" if piece.maintain_every_days else ""
    _event(db, piece, who, at, "maintained", body.note.strip() + every)
    return piece


def by_serial(db: Session, serial: str) -> Equipment:
    piece = db.scalars(select(Equipment).where(Equipment.serial == serial.strip())).first()
    if piece is None:
        raise EquipmentError(404, "equipment_not_found", f"no equipment with serial {serial.strip()!r}")
    return piece


def get(db: Session, piece_id: int) -> Equipment:
    piece = db.get(Equipment, piece_id)
    if piece is None:
        raise EquipmentError(404, "equipment_not_found", f"no equipment {piece_id}")
    return piece


def listing(db: Session, at: dt.datetime, units: Collection[uuid.UUID] | None = None) -> list[EquipmentPublic]:
    """Every piece; with `units`, only the pieces on those units (a supervisor's command, V.E.2g)."""
    stmt = select(Equipment, Unit.name).outerjoin(Unit, Unit.id == Equipment.unit_id).order_by(Equipment.id)
    if units is not None:
        stmt = stmt.where(Equipment.unit_id.in_(units))
    return [public(piece, unit, at) for piece, unit in db.execute(stmt)]


def detail(db: Session, piece_id: int, at: dt.datetime) -> EquipmentDetail:
    piece = get(db, piece_id)
    unit = db.scalar(select(Unit.name).where(Unit.id == piece.unit_id)) if piece.unit_id else None
    events = db.scalars(
        select(EquipmentEvent).where(EquipmentEvent.equipment_id == piece_id).order_by(EquipmentEvent.id)
    )
    return EquipmentDetail(
        **public(piece, unit, at).model_dump(), events=[EquipmentEventPublic.model_validate(e) for e in events]
    )


def public(piece: Equipment, unit: str | None, at: dt.datetime) -> EquipmentPublic:
    last = piece.last_inventoried_at
    return EquipmentPublic(
        id=piece.id, serial=piece.serial, kind=piece.kind, description=piece.description, unit=unit,
        location=piece.location, status=piece.status, added_at=piece.added_at, last_inventoried_at=last,
        inventory_due=inventory_due(piece.status, last, at), maintain_every_days=piece.maintain_every_days,
        last_maintained_at=piece.last_maintained_at,
        maintenance_due=maintenance_due(piece.status, piece.maintain_every_days, piece.last_maintained_at,
                                        piece.added_at, at),
    )  # fmt: skip


def _open(piece: Equipment) -> Equipment:
    if piece.status in CLOSED:
        raise EquipmentError(409, piece.status, f"{piece.serial} is {piece.status}: add it again under a new serial")
    return piece


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _event(db: Session, piece: Equipment, who: str, at: dt.datetime, event: str, note: str) -> None:
    db.add(EquipmentEvent(equipment_id=piece.id, at=at, username=who, event=event, status=piece.status, note=note))
