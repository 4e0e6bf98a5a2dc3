"""The audit pages (order V.D.10): open an audit, review each access drawn from the query log, close it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from platewatch.domain.local_time import zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.accounts.service import record_event
from platewatch.server.audits import service
from platewatch.server.audits.schemas import AuditOpen, Finding
from platewatch.server.data_requests import service as data_requests
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.inputs import RowId, Seq
from platewatch.server.web.hold_pages import invalid_form
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)
Auditor = Annotated[UserSession, Depends(require(Permission.MANAGE_AUDITS))]


@router.get("/audits", response_class=HTMLResponse)
def audits_page(request: Request, who: Auditor, db: DbDep, at: NowDep) -> HTMLResponse:
    audits = [service.public(db, a) for a in service.all_audits(db)]
    return page(request, "audits.html", audits=audits, due=service.due(db, at), role=who.user.role)


@router.post("/audits")
def open_audit(
    who: Auditor, db: DbDep, at: NowDep, sample_size: Annotated[str, Form(max_length=4)] = "25"
) -> RedirectResponse:
    try:
        body = AuditOpen.model_validate({"sample_size": sample_size or "25"})
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    audit = service.open_audit(db, body, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/audits/{audit.id}", status_code=303)


@router.get("/audits/{audit_id}", response_class=HTMLResponse)
def audit_page(request: Request, audit_id: RowId, who: Auditor, db: DbDep, state: StateDep) -> HTMLResponse:
    audit = service.get(db, audit_id)
    items = service.items(db, audit)
    tz = zone(state.settings.time_zone)
    requests = data_requests.received_between(db, audit.period_start, audit.period_end, tz)
    record_event(db, who.user.username, "audit_viewed", "success", f"audit {audit_id} (web)")
    db.commit()
    return page(
        request, "audit.html", audit=service.public(db, audit), items=items, requests=requests, role=who.user.role
    )


@router.post("/audits/{audit_id}/items/{seq}")
def review_item(
    audit_id: RowId,
    seq: Seq,
    who: Auditor,
    db: DbDep,
    at: NowDep,
    finding: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> RedirectResponse:
    try:
        body = Finding.model_validate({"finding": finding, "note": note})
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.review(db, service.get(db, audit_id), seq, body, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/audits/{audit_id}#row-{seq}", status_code=303)


@router.post("/audits/{audit_id}/close")
def close_audit(
    audit_id: RowId, who: Auditor, db: DbDep, at: NowDep, summary: Annotated[str, Form(max_length=4000)] = ""
) -> RedirectResponse:
    service.close(db, service.get(db, audit_id), summary, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/audits/{audit_id}", status_code=303)
