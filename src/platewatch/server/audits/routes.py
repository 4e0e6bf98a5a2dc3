"""Audits API (order V.D.10): auditors and the Program Administrator open an audit of a period, review the accesses
drawn at random from the query log, and close it with a summary. Each look at an audit's rows is a security
event, like each look at the log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from platewatch.domain.local_time import zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.accounts.service import record_event
from platewatch.server.audits import service
from platewatch.server.audits.documents import audit_document
from platewatch.server.audits.schemas import AuditClose, AuditDetail, AuditList, AuditOpen, AuditPublic, Finding
from platewatch.server.data_requests import service as data_requests
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.documents import MEDIA_TYPES, content_disposition, render
from platewatch.server.inputs import RowId, Seq

router = APIRouter(prefix="/api/v1/audits", tags=["audits"])
Auditor = Annotated[UserSession, Depends(require(Permission.MANAGE_AUDITS))]


@router.post("", status_code=201, response_model=AuditDetail, summary="Open an audit: accesses drawn at random")
def open_audit(body: AuditOpen, who: Auditor, db: DbDep, at: NowDep, state: StateDep) -> AuditDetail:
    audit = service.open_audit(db, body, who.user.username, at)
    db.commit()
    requests = data_requests.received_between(db, audit.period_start, audit.period_end, zone(state.settings.time_zone))
    return AuditDetail(**service.public(db, audit).model_dump(), items=service.items(db, audit), requests=requests)


@router.get("", response_model=AuditList, summary="Audits, newest first, and whether one is due")
def list_audits(_: Auditor, db: DbDep, at: NowDep) -> AuditList:
    return AuditList(audits=[service.public(db, a) for a in service.all_audits(db)], due=service.due(db, at))


@router.get(
    "/{audit_id}",
    response_model=AuditDetail,
    summary="One audit with its sampled accesses and findings (JSON, CSV or PDF)",
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
def get_audit(
    audit_id: RowId,
    who: Auditor,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",
) -> AuditDetail | Response:
    audit = service.get(db, audit_id)
    requests = data_requests.received_between(db, audit.period_start, audit.period_end, zone(state.settings.time_zone))
    detail = AuditDetail(**service.public(db, audit).model_dump(), items=service.items(db, audit), requests=requests)
    record_event(
        db,
        who.user.username,
        "audit_viewed",
        "success",
        f"audit {audit_id}" + ("" if format == "json" else f" ({format})"),
    )
    db.commit()
    if format == "json":
        return detail
    doc = audit_document(detail, who.user.username, at, state.settings.agency_name, zone(state.settings.time_zone))
    return Response(
        render(doc, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": content_disposition(f"lpr-audit-{audit_id}", format)},
    )


@router.post("/{audit_id}/items/{seq}", response_model=AuditPublic, summary="Record the finding for one access")
def review_item(audit_id: RowId, seq: Seq, body: Finding, who: Auditor, db: DbDep, at: NowDep) -> AuditPublic:
    audit = service.get(db, audit_id)
    service.review(db, audit, seq, body, who.user.username, at)
    db.commit()
    return service.public(db, audit)


@router.post("/{audit_id}/close", response_model=AuditPublic, summary="Close the audit with its summary")
def close_audit(audit_id: RowId, body: AuditClose, who: Auditor, db: DbDep, at: NowDep) -> AuditPublic:
    audit = service.close(db, service.get(db, audit_id), body.summary, who.user.username, at)
    db.commit()
    return service.public(db, audit)
