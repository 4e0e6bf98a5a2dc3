"""The data-request pages (order V.D.6-9): the register with the form that records a request as received, and each
request's page, where the Program Administrator or a designee reviews it, the accesses made for it are listed, and its
release or closing is recorded."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from platewatch.domain.data_requests import Status
from platewatch.domain.local_time import zone
from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts.models import UserSession
from platewatch.server.data_requests import service
from platewatch.server.data_requests.schemas import RequestClose, RequestCreate, RequestFulfil, RequestReview
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.inputs import RowId
from platewatch.server.web.hold_pages import invalid_form
from platewatch.server.web.routes import form_time, page

router = APIRouter(include_in_schema=False)
Keeper = Annotated[UserSession, Depends(require(Permission.MANAGE_REQUESTS))]
Reviewer = Annotated[UserSession, Depends(require(Permission.REVIEW_REQUESTS))]
Text = Annotated[str, Form(max_length=1000)]


@router.get("/requests", response_class=HTMLResponse)
def register_page(request: Request, who: Keeper, db: DbDep, state: StateDep, status: str = "") -> HTMLResponse:
    wanted = status if status in {s.value for s in Status} else ""
    rows = service.listing(db, zone(state.settings.time_zone), wanted or None)
    return page(
        request, "requests.html", rows=rows, showing=wanted, statuses=[s.value for s in Status], role=who.user.role,
        town=state.settings.town_agency_names,
    )  # fmt: skip


@router.post("/requests")
def record_request(
    who: Keeper,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    requester: Annotated[str, Form(max_length=200)] = "",
    agency: Annotated[str, Form(max_length=200)] = "",
    agency_unit: Annotated[str, Form(max_length=200)] = "",
    received_at: Annotated[str, Form(max_length=40)] = "",
    case_number: Annotated[str, Form(max_length=40)] = "",
    asked_for: Text = "",
    legal_basis: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    tz = zone(state.settings.time_zone)
    form = {"requester": requester, "agency": agency, "agency_unit": agency_unit, "case_number": case_number,
            "received_at": form_time(received_at, tz), "asked_for": asked_for, "legal_basis": legal_basis}  # fmt: skip
    try:
        body = RequestCreate.model_validate(form)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    row = service.receive(db, body, state.settings.town_agency_names, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/requests/{row.id}", status_code=303)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: RowId, who: Keeper, db: DbDep, state: StateDep) -> HTMLResponse:
    detail = service.detail(db, service.get(db, request_id), zone(state.settings.time_zone))
    role = Role(who.user.role)
    purpose = f"data request {detail.id}: {detail.asked_for}"[:500]
    search = "/search?" + urlencode({"request": detail.id, "case_number": detail.case_number, "purpose": purpose})
    return page(
        request, "data_request.html", r=detail, role=role.value, search_url=search,
        can_review=allows(role, Permission.REVIEW_REQUESTS), can_search=allows(role, Permission.SEARCH_READS),
    )  # fmt: skip


@router.post("/requests/{request_id}/review")
def review_request(
    request_id: RowId, who: Reviewer, db: DbDep, at: NowDep, decision: Annotated[str, Form(max_length=16)] = "",
    note: Text = "",
) -> RedirectResponse:  # fmt: skip
    try:
        body = RequestReview.model_validate({"decision": decision, "note": note})
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.review(db, request_id, body, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


@router.post("/requests/{request_id}/fulfil")
def fulfil_request(
    request_id: RowId, who: Keeper, db: DbDep, at: NowDep, state: StateDep, released: Text = "",
    released_at: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:  # fmt: skip
    form = {"released": released, "released_at": form_time(released_at, zone(state.settings.time_zone))}
    try:
        body = RequestFulfil.model_validate(form)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.fulfil(db, request_id, body, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


@router.post("/requests/{request_id}/close")
def close_request(request_id: RowId, who: Keeper, db: DbDep, at: NowDep, note: Text = "") -> RedirectResponse:
    try:
        body = RequestClose.model_validate({"note": note})
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.close(db, request_id, body, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/requests/{request_id}", status_code=303)
