"""Equipment inventory API (order V.A.3-7): designated equipment personnel keep the inventory and its annual check;
anyone who uses the system reports damage at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, require
from platewatch.server.equipment import service
from platewatch.server.equipment.schemas import (
    DamageReport,
    EquipmentCreate,
    EquipmentDetail,
    EquipmentList,
    EquipmentPublic,
    InventoryCheck,
    MaintenanceRecord,
    StatusChange,
)
from platewatch.server.inputs import RowId

router = APIRouter(prefix="/api/v1/equipment", tags=["equipment"])
Keeper = Annotated[UserSession, Depends(require(Permission.MANAGE_UNITS))]
Reporter = Annotated[UserSession, Depends(require(Permission.REPORT_DAMAGE))]


@router.get("", response_model=EquipmentList, summary="The inventory, with what is due for its annual check or service")
def list_equipment(_: Keeper, db: DbDep, at: NowDep) -> EquipmentList:
    pieces = service.listing(db, at)
    return EquipmentList(
        equipment=pieces,
        inventory_due=sum(p.inventory_due for p in pieces),
        maintenance_due=sum(p.maintenance_due for p in pieces),
        damaged=sum(p.status == "damaged" for p in pieces),
    )


@router.post("", status_code=201, response_model=EquipmentPublic, summary="Add a piece of LPR equipment")
def add_equipment(body: EquipmentCreate, who: Keeper, db: DbDep, at: NowDep) -> EquipmentPublic:
    piece = service.add(db, body, who.user.username, at)
    db.commit()
    return service.public(piece, body.unit, at)


@router.get("/{equipment_id}", response_model=EquipmentDetail, summary="One piece and its history")
def get_equipment(equipment_id: RowId, _: Keeper, db: DbDep, at: NowDep) -> EquipmentDetail:
    return service.detail(db, equipment_id, at)


@router.post("/{equipment_id}/damage", response_model=EquipmentDetail, summary="Report damage at once (V.A.7)")
def report_damage(equipment_id: RowId, body: DamageReport, who: Reporter, db: DbDep, at: NowDep) -> EquipmentDetail:
    service.report_damage(db, equipment_id, body, who.user.username, at)
    db.commit()
    return service.detail(db, equipment_id, at)


@router.post("/{equipment_id}/status", response_model=EquipmentDetail, summary="In service, in repair, retired")
def change_status(equipment_id: RowId, body: StatusChange, who: Keeper, db: DbDep, at: NowDep) -> EquipmentDetail:
    service.change_status(db, equipment_id, body, who.user.username, at)
    db.commit()
    return service.detail(db, equipment_id, at)


@router.post("/{equipment_id}/inventory", response_model=EquipmentDetail, summary="Seen at the physical inventory")
def inventory_check(equipment_id: RowId, body: InventoryCheck, who: Keeper, db: DbDep, at: NowDep) -> EquipmentDetail:
    service.inventoried(db, equipment_id, body.note, who.user.username, at)
    db.commit()
    return service.detail(db, equipment_id, at)


@router.post(
    "/{equipment_id}/maintenance",
    response_model=EquipmentDetail,
    summary="Cleaned or serviced as the manufacturer recommends (V.A.6)",
)
def record_maintenance(
    equipment_id: RowId, body: MaintenanceRecord, who: Keeper, db: DbDep, at: NowDep
) -> EquipmentDetail:
    service.maintained(db, equipment_id, body, who.user.username, at)
    db.commit()
    return service.detail(db, equipment_id, at)
