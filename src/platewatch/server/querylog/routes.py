"""Query-log routes for auditors and the Program Administrator; each access to the log is itself an
audit event (CJIS 5.4.1.1: attempts to access the audit log are logged)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from platewatch.domain.local_time import zone
from platewatch.domain.log_pages import (
    ACTIONS,
    MAX_PAGE_SIZE,
    OUTCOMES,
    PAGE_SIZE,
    FilterError,
    LogFilter,
    log_filter,
)
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.accounts.service import record_event
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.documents import MEDIA_TYPES, content_disposition, render
from platewatch.server.inputs import Instant
from platewatch.server.log_pages import filter_error, page_cursor
from platewatch.server.querylog import service
from platewatch.server.querylog.documents import querylog_document
from platewatch.server.querylog.schemas import QueryLogPage, QueryLogPublic, VerifyResult
from platewatch.server.supervision import scope

router = APIRouter(prefix="/api/v1/querylog", tags=["query log"])

Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_QUERY_LOG))]
Verifier = Annotated[UserSession, Depends(require(Permission.VERIFY_QUERY_LOG))]


def log_criteria(
    state: StateDep,
    username: Annotated[str | None, Query(max_length=64, description="the user who made the access")] = None,
    purpose: Annotated[str | None, Query(max_length=500, description="text the purpose contains (any case)")] = None,
    case_number: Annotated[str | None, Query(max_length=40)] = None,
    action: Annotated[str | None, Query(max_length=32, description=f"one of {', '.join(ACTIONS)}")] = None,
    outcome: Annotated[str | None, Query(max_length=16, description=f"one of {', '.join(OUTCOMES)}")] = None,
    from_date: Annotated[str | None, Query(max_length=10, description="first day (YYYY-MM-DD), the agency's")] = None,
    to_date: Annotated[str | None, Query(max_length=10, description="last day, included (the agency's)")] = None,
    since: Instant | None = None,
    until: Instant | None = None,
) -> LogFilter:
    """The query string's criteria (the same for a page of the log and its documents)."""
    try:
        return log_filter(zone(state.settings.time_zone), username=username, purpose=purpose,
                          case_number=case_number, action=action, outcome=outcome, from_date=from_date,
                          to_date=to_date, since=since, until=until)  # fmt: skip
    except FilterError as exc:
        raise filter_error(exc) from exc


Criteria = Annotated[LogFilter, Depends(log_criteria)]


@router.get("", response_model=QueryLogPage, summary="A page of query-log rows, newest first, filtered")
def list_entries(
    session: Viewer,
    db: DbDep,
    criteria: Criteria,
    cursor: Annotated[str | None, Query(max_length=30, description="a page's next_cursor or previous_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> QueryLogPage:
    try:
        found = service.page(db, criteria, page_cursor(cursor), limit, people=scope.people_for(db, session.user))
    except FilterError as exc:
        raise filter_error(exc) from exc
    described = criteria.described()
    record_event(db, session.user.username, "querylog_viewed", "success",
                 service.accessed(len(found.rows), described, cursor))  # fmt: skip
    db.commit()
    return QueryLogPage(
        rows=[QueryLogPublic.model_validate(r, from_attributes=True) for r in found.rows],
        next_cursor=found.older.text() if found.older else None,
        previous_cursor=found.newer.text() if found.newer else None,
        filters=described,
    )


EXPORT_ROWS = {"csv": 100_000, "pdf": 500}
"""The most rows one document holds (newest first; the document says when more match)."""


@router.get(
    "/export",
    summary="Query-log rows as CSV (at most 100,000) or PDF (at most 500), newest first, with the same filters",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
def export_entries(
    session: Viewer,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    criteria: Criteria,
    format: Literal["csv", "pdf"] = "csv",
) -> Response:
    most = EXPORT_ROWS[format]
    rows = service.matching(db, criteria, most + 1, people=scope.people_for(db, session.user))
    doc = querylog_document(rows[:most], criteria.described(), most if len(rows) > most else None,
                            session.user.username, at, state.settings.agency_name,
                            zone(state.settings.time_zone))  # fmt: skip
    record_event(db, session.user.username, "querylog_exported", "success",
                 service.accessed(len(doc.rows), criteria.described(), how=f" as {format.upper()}"))  # fmt: skip
    db.commit()
    name = content_disposition(f"lpr-query-log-{at:%Y%m%d-%H%M}", format)
    return Response(render(doc, format), media_type=MEDIA_TYPES[format], headers={"Content-Disposition": name})


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
