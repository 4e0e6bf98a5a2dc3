"""Equipment inventory API (order V.A.3-7): designated equipment personnel keep the inventory and its annual check;
anyone who uses the system reports damage at once."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from platewatch.domain.local_time import local, shown, zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.documents import MEDIA_TYPES, TableDocument, content_disposition, render
from platewatch.server.equipment import service
from platewatch.server.equipment.schemas import (
    DamageReport,
    EquipmentCreate,
    EquipmentDetail,
    EquipmentList,
    EquipmentPublic,
    InventoryCheck,
    MaintenanceRecord,
    Reconciliation,
    ReconciliationRowPublic,
    StatusChange,
)
from platewatch.server.equipment.service import EquipmentError
from platewatch.server.inputs import RowId
from platewatch.server.supervision import scope

router = APIRouter(prefix="/api/v1/equipment", tags=["equipment"])
Keeper = Annotated[UserSession, Depends(require(Permission.MANAGE_UNITS))]
Reporter = Annotated[UserSession, Depends(require(Permission.REPORT_DAMAGE))]
Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_EQUIPMENT))]


@router.get("", response_model=EquipmentList, summary="The inventory, with what is due for its annual check or service")
def list_equipment(who: Viewer, db: DbDep, at: NowDep) -> EquipmentList:
    pieces = service.listing(db, at, scope.units_in(db, scope.scope_for(db, who.user)))  # a supervisor's command
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


@router.get(
    "/reconciliation",
    response_model=Reconciliation,
    summary="The year's physical inventory reconciled with the record (V.A.5), as JSON, CSV or PDF",
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
def reconciliation(
    who: Keeper,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="the agency's year; default this year")] = None,
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",
) -> Reconciliation | Response:
    tz = zone(state.settings.time_zone)
    this_year = local(at, tz).year
    year = this_year if year is None else year
    if year > this_year:
        raise EquipmentError(400, "future_year", f"{year} has not begun: no inventory to reconcile yet")
    report = service.reconciliation(db, year, who.user.username, at, tz)
    db.commit()
    if format == "json":
        return report
    return Response(
        render(document(report, tz), format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": content_disposition(f"equipment-reconciliation-{year}", format)},
    )


def document(report: Reconciliation, tz: ZoneInfo) -> TableDocument:
    """The reconciliation as a dated document: what was checked and what was not."""
    counts = ", ".join(f"{n} {k}" for k, n in report.counts.items())
    return TableDocument(
        title=f"LPR equipment: annual physical inventory reconciled with the record, {report.year}",
        about=(
            f"Order V.A.5. Made {shown(report.generated_at, tz)} by {report.generated_by}.",
            f"Covers {shown(report.start, tz)} to {shown(report.end, tz)}: each piece on the record then.",
            f"{len(report.rows)} pieces: {counts}.",
        ),
        headers=("Serial", "Kind", "Unit or place", "Outcome", "When", "By", "Note", "Status now"),
        rows=tuple(_row(r, tz) for r in report.rows),
        widths=(2, 1, 2, 1.3, 1.6, 1.3, 3, 1.2),
    )


def _row(r: ReconciliationRowPublic, tz: ZoneInfo) -> tuple[str, ...]:
    when = shown(r.at, tz)
    return (r.serial, r.kind, r.where, r.outcome, when, r.by, r.note, r.status_at_end)


@router.get("/{equipment_id}", response_model=EquipmentDetail, summary="One piece and its history")
def get_equipment(equipment_id: RowId, _: Viewer, db: DbDep, at: NowDep) -> EquipmentDetail:
    return service.detail(db, equipment_id, at)


@router.post("/{equipment_id}/damage", response_model=EquipmentDetail, summary="Report damage at once (V.A.7)")
def report_damage(equipment_id: RowId, body: DamageReport, who: Reporter, db: DbDep, at: NowDep) -> EquipmentDetail:
    service.report_damage(db, equipment_id, body, who.user.username, at)
    db.commit()
    return service.detail(db, equipment_id, at)


@router.post(
    "/{equipment_id}/status",
    response_model=EquipmentDetail,
    summary="In service, in repair, retired; or missing, lost, destroyed (V.A.5)",
)
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
