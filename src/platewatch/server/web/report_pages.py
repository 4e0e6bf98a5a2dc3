"""The metrics report page (order IV.B.3): the API's counts as tables, for a chosen window."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from platewatch.domain.local_time import zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import NowDep, ReadsDep, StateDep, require
from platewatch.server.leas import service as leas_service
from platewatch.server.reports import service
from platewatch.server.reports.routes import window
from platewatch.server.supervision import scope
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)
Reporter = Annotated[UserSession, Depends(require(Permission.VIEW_REPORTS))]


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    who: Reporter,
    reads: ReadsDep,
    at: NowDep,
    state: StateDep,
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    tz = zone(state.settings.time_zone)
    start, end = window(since or None, until or None, at, tz)
    subtype = state.settings.leas_lpr_subtype
    report, leas = reads.read(
        lambda db: (
            service.metrics(db, start, end, tz),
            leas_service.report(db, start, end, subtype, scope.people_for(db, who.user)),
        )
    )
    return page(request, "reports.html", report=report, leas=leas, role=who.user.role, since=since, until=until)
