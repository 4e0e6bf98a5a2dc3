"""The deployments page (order V.A.2, V.E.1, III.8): where and when each unit is approved, its history, the reads taken
outside an approval; the Program Administrator approves and ends approvals here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from platewatch.domain.local_time import zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import Unit, UserSession
from platewatch.server.deployments import service
from platewatch.server.deployments.schemas import DeploymentCreate, DeploymentEnd, DeploymentTerms
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.errors import ApiError
from platewatch.server.inputs import INT32_MAX, RowId
from platewatch.server.web.hold_pages import invalid_form
from platewatch.server.web.routes import form_time, page

router = APIRouter(include_in_schema=False)
Approver = Annotated[UserSession, Depends(require(Permission.APPROVE_DEPLOYMENTS))]
Overseer = Annotated[UserSession, Depends(require(Permission.VIEW_UNITS))]


@router.get("/deployments", response_class=HTMLResponse)
def deployments_page(request: Request, who: Overseer, db: DbDep, at: NowDep) -> HTMLResponse:
    units = list(db.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)))
    return page(request, "deployments.html", role=who.user.role, units=units, approvals=service.listing(db, at),
                flagged=service.flagged(db, limit=100))  # fmt: skip


@router.post("/deployments")
def approve(
    who: Approver,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    unit: Annotated[str, Form(max_length=64)] = "",
    site: Annotated[str, Form(max_length=200)] = "",
    latitude: Annotated[str, Form(max_length=32)] = "",
    longitude: Annotated[str, Form(max_length=32)] = "",
    radius_m: Annotated[str, Form(max_length=32)] = "",
    valid_from: Annotated[str, Form(max_length=40)] = "",
    valid_until: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
    replaces: Annotated[str, Form(max_length=12)] = "",
) -> RedirectResponse:
    """A new approval, or with `replaces` a revision of that approval (which ends now and is kept)."""
    tz = zone(state.settings.time_zone)
    terms = {
        "site": site.strip(), "latitude": latitude.strip() or None, "longitude": longitude.strip() or None,
        "radius_m": radius_m.strip() or None, "valid_from": form_time(valid_from, tz),
        "valid_until": form_time(valid_until, tz), "reason": reason.strip(),
    }  # fmt: skip
    try:
        if replaces.strip():
            old = service.approval_of(db, _row_id(replaces), unit)
            service.revise(db, old, DeploymentTerms.model_validate(terms), who.user.username, at)
        else:
            service.approve(db, DeploymentCreate.model_validate({"unit": unit, **terms}), who.user.username, at)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    db.commit()
    return RedirectResponse("/deployments", status_code=303)


def _row_id(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= INT32_MAX:
        raise ApiError(400, "invalid_form", f"replaces: {text[:12]!r} is no approval")
    return int(text)


@router.post("/deployments/{approval_id}/end")
def end(
    approval_id: RowId, who: Approver, db: DbDep, at: NowDep, reason: Annotated[str, Form(max_length=500)] = ""
) -> RedirectResponse:
    try:
        body = DeploymentEnd(reason=reason.strip())
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.end(db, approval_id, body, who.user.username, at)
    db.commit()
    return RedirectResponse("/deployments", status_code=303)
