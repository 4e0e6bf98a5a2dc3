"""Web pages for LPR equipment: the inventory (equipment staff) and a damage report anyone in the field can file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from platewatch.domain.local_time import local, zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.equipment import service
from platewatch.server.equipment.schemas import DamageReport, EquipmentCreate, MaintenanceRecord, StatusChange
from platewatch.server.inputs import RowId
from platewatch.server.supervision import scope
from platewatch.server.supervision.scope import scope_note
from platewatch.server.web.hold_pages import invalid_form
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)
Keeper = Annotated[UserSession, Depends(require(Permission.MANAGE_UNITS))]
Reporter = Annotated[UserSession, Depends(require(Permission.REPORT_DAMAGE))]
Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_EQUIPMENT))]


@router.get("/equipment", response_class=HTMLResponse)
def inventory_page(request: Request, who: Viewer, db: DbDep, at: NowDep, state: StateDep) -> HTMLResponse:
    """The inventory: kept by equipment staff, read by supervisors (V.E.2b), the pieces of their command's units."""
    year = local(at, zone(state.settings.time_zone)).year
    mine = scope.scope_for(db, who.user)
    pieces = service.listing(db, at, scope.units_in(db, mine))
    note = scope_note(mine.command, who.user.role)
    return page(request, "equipment.html", pieces=pieces, role=who.user.role, year=year, scope_note=note)


@router.post("/equipment")
def add_piece(
    who: Keeper,
    db: DbDep,
    at: NowDep,
    serial: Annotated[str, Form(max_length=64)] = "",
    kind: Annotated[str, Form(max_length=24)] = "",
    unit: Annotated[str, Form(max_length=64)] = "",
    location: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=200)] = "",
    maintain_every_days: Annotated[str, Form(max_length=8)] = "",
) -> RedirectResponse:
    try:
        body = EquipmentCreate(serial=serial.strip(), kind=kind, unit=unit.strip() or None,
                               location=location, description=description,
                               maintain_every_days=maintain_every_days.strip() or None)  # fmt: skip
        service.add(db, body, who.user.username, at)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    db.commit()
    return RedirectResponse("/equipment", status_code=303)


@router.post("/equipment/{equipment_id}/inventory")
def mark_seen(equipment_id: RowId, who: Keeper, db: DbDep, at: NowDep) -> RedirectResponse:
    service.inventoried(db, equipment_id, "physical inventory (web)", who.user.username, at)
    db.commit()
    return RedirectResponse("/equipment", status_code=303)


@router.post("/equipment/{equipment_id}/maintenance")
def mark_maintained(
    equipment_id: RowId, who: Keeper, db: DbDep, at: NowDep, note: Annotated[str, Form(max_length=500)] = ""
) -> RedirectResponse:
    try:
        service.maintained(db, equipment_id, MaintenanceRecord(note=note.strip()), who.user.username, at)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    db.commit()
    return RedirectResponse("/equipment", status_code=303)


@router.post("/equipment/{equipment_id}/status")
def set_status(
    equipment_id: RowId,
    who: Keeper,
    db: DbDep,
    at: NowDep,
    status: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    """In repair, back in service, retired; or found missing, lost or destroyed at the physical inventory (V.A.5)."""
    try:
        body = StatusChange.model_validate({"status": status, "note": note.strip()})
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.change_status(db, equipment_id, body, who.user.username, at)
    db.commit()
    return RedirectResponse("/equipment", status_code=303)


@router.get("/equipment/damage", response_class=HTMLResponse)
def damage_form(request: Request, who: Reporter) -> HTMLResponse:
    return page(request, "damage.html", role=who.user.role, done=request.query_params.get("done"))


@router.post("/equipment/damage")
def file_damage(
    who: Reporter,
    db: DbDep,
    at: NowDep,
    serial: Annotated[str, Form(max_length=64)] = "",
    description: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    try:
        report = DamageReport(description=description.strip())
        piece = service.report_damage(db, service.by_serial(db, serial).id, report, who.user.username, at)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    db.commit()
    return RedirectResponse(f"/equipment/damage?done={piece.serial}", status_code=303)
