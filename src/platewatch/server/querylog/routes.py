"""Query-log routes for auditors and the Program Administrator; each access to the log is itself an
audit event (CJIS 5.4.1.1: attempts to access the audit log are logged)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from platewatch.domain.local_time import zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.accounts.service import record_event
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.documents import MEDIA_TYPES, as_csv, content_disposition
from platewatch.server.inputs import Count, Instant
from platewatch.server.querylog import service
from platewatch.server.querylog.documents import querylog_document
from platewatch.server.querylog.schemas import QueryLogPublic, VerifyResult
from platewatch.server.supervision import scope

router = APIRouter(prefix="/api/v1/querylog", tags=["query log"])

Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_QUERY_LOG))]
Verifier = Annotated[UserSession, Depends(require(Permission.VERIFY_QUERY_LOG))]


@router.get("", response_model=list[QueryLogPublic], summary="Query-log rows, newest first")
def list_entries(
    session: Viewer,
    db: DbDep,
    username: str | None = None,
    case_number: str | None = None,
    since: Instant | None = None,
    until: Instant | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[Count, Query(ge=0)] = 0,
) -> list[QueryLogPublic]:
    rows = service.entries(
        db, username=username, case_number=case_number, since=since, until=until, limit=limit, offset=offset,
        people=scope.people_for(db, session.user),
    )  # fmt: skip
    record_event(db, session.user.username, "querylog_viewed", "success", f"{len(rows)} rows")
    db.commit()
    return [QueryLogPublic.model_validate(r, from_attributes=True) for r in rows]


EXPORT_ROWS = 100_000
"""The most rows one CSV export holds (newest first; the document says when more match)."""


@router.get(
    "/export",
    summary="Query-log rows as CSV, newest first, with the same filters (at most 100,000 rows)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_entries(
    session: Viewer,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    username: Annotated[str | None, Query(max_length=64)] = None,
    case_number: Annotated[str | None, Query(max_length=40)] = None,
    since: Instant | None = None,
    until: Instant | None = None,
) -> Response:
    rows = service.entries(
        db, username=username, case_number=case_number, since=since, until=until, limit=EXPORT_ROWS + 1,
        people=scope.people_for(db, session.user),
    )  # fmt: skip
    filters = "; ".join(f"{k} {v}" for k, v in (("user", username), ("case", case_number), ("since", since),
                                                 ("until", until)) if v)  # fmt: skip
    doc = querylog_document(rows[:EXPORT_ROWS], filters, len(rows) > EXPORT_ROWS, session.user.username, at,
                            state.settings.agency_name, zone(state.settings.time_zone))  # fmt: skip
    record_event(db, session.user.username, "querylog_exported", "success", f"{len(doc.rows)} rows as CSV")
    db.commit()
    name = content_disposition(f"lpr-query-log-{at:%Y%m%d-%H%M}", "csv")
    return Response(as_csv(doc), media_type=MEDIA_TYPES["csv"], headers={"Content-Disposition": name})


@router.get("/verify", response_model=VerifyResult, summary="Check the hash chain for edits and deletions")
def verify(session: Verifier, db: DbDep) -> VerifyResult:
    count, problems = service.verify(db)
    record_event(db, session.user.username, "querylog_verified", "success" if not problems else "failure")
    db.commit()
    return VerifyResult(
        rows_checked=count,
        intact=not problems,
        problems=[{"seq": p.seq, "problem": p.problem} for p in problems],
    )
