"""The assignments page (order V.E.2a): supervisors assign trained officers to units for a shift and let an officer
the unit refused log on (an override, with why); and the commands page where the administrator groups units and
people into supervisors' commands (V.E.2g)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from platewatch.domain.local_time import local, zone
from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts.models import User, UserSession
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.inputs import RowId
from platewatch.server.supervision import assignments, commands, scope
from platewatch.server.supervision.schemas import AssignmentCreate, OverrideCreate
from platewatch.server.web.hold_pages import invalid_form
from platewatch.server.web.routes import form_time, page

router = APIRouter(include_in_schema=False)
Assigner = Annotated[UserSession, Depends(require(Permission.ASSIGN_UNITS))]
Keeper = Annotated[UserSession, Depends(require(Permission.MANAGE_COMMANDS))]
Field = Annotated[str, Form(max_length=64)]
Time = Annotated[str, Form(max_length=40)]


def _officers(db: DbDep, who: User) -> list[str]:
    """Active people in the supervisor's command who may take alerts on a unit (every one without a command)."""
    people = scope.people_in(db, scope.scope_for(db, who))
    rows = db.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    return [u.username for u in rows if allows(Role(u.role), Permission.DECIDE_ALERTS)
            and (people is None or u.username in people)]  # fmt: skip


@router.get("/assignments", response_class=HTMLResponse)
def assignments_page(request: Request, who: Assigner, db: DbDep, at: NowDep, state: StateDep) -> HTMLResponse:
    command, rows = assignments.listing(db, who.user, at)
    mine = scope.scope_for(db, who.user)
    start = local(at, zone(state.settings.time_zone)).replace(second=0, microsecond=0, tzinfo=None)
    return page(
        request, "assignments.html", rows=rows, command=command, role=who.user.role, now=at,
        units=scope.unit_names(db, mine), officers=_officers(db, who.user), done=request.query_params.get("done"),
        start=start.isoformat(timespec="minutes"), end=(start + dt.timedelta(hours=8)).isoformat(timespec="minutes"),
    )  # fmt: skip


@router.post("/assignments")
def assign(
    who: Assigner, db: DbDep, at: NowDep, state: StateDep,
    unit: Field = "", username: Field = "", starts_at: Time = "", ends_at: Time = "",
) -> RedirectResponse:  # fmt: skip
    tz = zone(state.settings.time_zone)
    form = {"unit": unit.strip(), "username": username.strip(), "starts_at": form_time(starts_at, tz, "starts_at"),
            "ends_at": form_time(ends_at, tz, "ends_at")}  # fmt: skip
    try:
        body = AssignmentCreate.model_validate(form)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    row = assignments.assign(db, body, who.user, at, state.settings.require_training)
    db.commit()
    return RedirectResponse(f"/assignments?done=assignment-{row.id}", status_code=303)


@router.post("/assignments/overrides")
def override(
    who: Assigner, db: DbDep, at: NowDep, state: StateDep,
    unit: Field = "", username: Field = "", reason: Annotated[str, Form(max_length=500)] = "", until: Time = "",
) -> RedirectResponse:  # fmt: skip
    form = {"unit": unit.strip(), "username": username.strip(), "reason": reason.strip(),
            "until": form_time(until, zone(state.settings.time_zone), "until")}  # fmt: skip
    try:
        body = OverrideCreate.model_validate(form)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    row = assignments.override(db, body, who.user, at)
    db.commit()
    return RedirectResponse(f"/assignments?done=override-{row.id}", status_code=303)


@router.post("/assignments/{assignment_id}/cancel")
def cancel(assignment_id: RowId, who: Assigner, db: DbDep, at: NowDep) -> RedirectResponse:
    assignments.cancel(db, assignment_id, who.user, at, "(web)")
    db.commit()
    return RedirectResponse(f"/assignments?done=cancelled-{assignment_id}", status_code=303)


@router.get("/commands", response_class=HTMLResponse)
def commands_page(request: Request, who: Keeper, db: DbDep) -> HTMLResponse:
    return page(request, "commands.html", commands=commands.listing(db), role=who.user.role,
                done=request.query_params.get("done"))  # fmt: skip


@router.post("/commands")
def create_command(
    who: Keeper, db: DbDep, at: NowDep, name: Annotated[str, Form(max_length=100)] = ""
) -> RedirectResponse:
    commands.create(db, name, who.user.username, at)
    db.commit()
    return RedirectResponse("/commands?done=created", status_code=303)


@router.post("/commands/place")
def place(
    who: Keeper, db: DbDep, at: NowDep,
    command: Annotated[str, Form(max_length=100)] = "", what: Annotated[str, Form(max_length=8)] = "person",
    name: Field = "",
) -> RedirectResponse:  # fmt: skip
    target = command.strip() or None
    if what == "unit":
        commands.place_unit(db, target, name.strip(), who.user.username, at)
    else:
        commands.place_person(db, target, name.strip(), who.user.username, at)
    db.commit()
    return RedirectResponse("/commands?done=placed", status_code=303)
