"""The inventory's records: adding a piece, damage reports, status changes, the annual physical check, cleaning and
service. Callers commit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.equipment import inventory_due, maintenance_due
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
    piece = get(db, piece_id)
    if piece.status == "retired":
        raise EquipmentError(409, "retired", f"{piece.serial} is retired")
    piece.status = "damaged"
    _event(db, piece, who, at, "damage_reported", body.description.strip())
    record_event(db, who, "equipment_damage", "success", f"{piece.serial}: {body.description}"[:500])
    return piece


def change_status(db: Session, piece_id: int, body: StatusChange, who: str, at: dt.datetime) -> Equipment:
    piece = get(db, piece_id)
    if piece.status == "retired":
        raise EquipmentError(409, "retired", f"{piece.serial} is retired: add it again under a new serial")
    piece.status = body.status
    _event(db, piece, who, at, "status_changed", body.note.strip())
    return piece


def inventoried(db: Session, piece_id: int, note: str, who: str, at: dt.datetime) -> Equipment:
    piece = get(db, piece_id)
    piece.last_inventoried_at = at
    _event(db, piece, who, at, "inventoried", note.strip())
    return piece


def maintained(db: Session, piece_id: int, body: MaintenanceRecord, who: str, at: dt.datetime) -> Equipment:
    """Cleaned or serviced as its manufacturer recommends (V.A.6), perhaps with a new interval."""
    piece = get(db, piece_id)
    if piece.status == "retired":
        raise EquipmentError(409, "retired", f"{piece.serial} is retired")
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


def listing(db: Session, at: dt.datetime) -> list[EquipmentPublic]:
    rows = db.execute(select(Equipment, Unit.name).outerjoin(Unit, Unit.id == Equipment.unit_id).order_by(Equipment.id))
    return [public(piece, unit, at) for piece, unit in rows]


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


def _event(db: Session, piece: Equipment, who: str, at: dt.datetime, event: str, note: str) -> None:
    db.add(EquipmentEvent(equipment_id=piece.id, at=at, username=who, event=event, status=piece.status, note=note))
