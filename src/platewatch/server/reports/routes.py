"""Metrics report API (order IV.B.3): counts of reads and alarms in a time window; no plate in the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from platewatch.domain.local_time import day_start, zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import NowDep, ReadsDep, StateDep, require
from platewatch.server.documents import MEDIA_TYPES, content_disposition, render
from platewatch.server.errors import ApiError
from platewatch.server.reports import service
from platewatch.server.reports.documents import metrics_document
from platewatch.server.reports.schemas import MetricsReport

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Reporter = Annotated[UserSession, Depends(require(Permission.VIEW_REPORTS))]
MAX_DAYS = 400


def window(
    since: str | None, until: str | None, now: dt.datetime, tz: ZoneInfo = ZoneInfo("UTC")
) -> tuple[dt.datetime, dt.datetime]:
    """The report's [since, until): ISO dates (midnight of the agency's day, in zone `tz`) or times with a zone; the
    last 14 days by default."""
    end = _when("until", until, tz) if until else now
    start = _when("since", since, tz) if since else end - dt.timedelta(days=14)
    if start >= end:
        raise ApiError(400, "invalid_window", "since must be before until")
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise ApiError(400, "invalid_window", f"a report covers at most {MAX_DAYS} days")
    return start, end


def _when(name: str, text: str, tz: ZoneInfo) -> dt.datetime:
    try:
        if len(text) == 10:
            return day_start(dt.date.fromisoformat(text), tz)
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ApiError(400, "invalid_window", f"{name}: not a date (YYYY-MM-DD) or an ISO time: {text!r}") from exc
    if value.tzinfo is None:
        raise ApiError(400, "invalid_window", f"{name}: give a time zone (e.g. Z) or a date")
    return value


@router.get(
    "/metrics",
    response_model=MetricsReport,
    summary="Reads and alarms counted by unit, day, list, outcome (JSON, CSV or PDF)",
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
def metrics_report(
    who: Reporter,
    reads: ReadsDep,
    at: NowDep,
    state: StateDep,
    since: Annotated[
        str | None, Query(max_length=40, description="YYYY-MM-DD (the agency's day) or ISO time with zone")
    ] = None,
    until: Annotated[str | None, Query(max_length=40, description="exclusive; default now")] = None,
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",
) -> MetricsReport | Response:
    tz = zone(state.settings.time_zone)
    start, end = window(since, until, at, tz)
    report = reads.read(lambda db: service.metrics(db, start, end, tz))
    if format == "json":
        return report
    doc = metrics_document(report, who.user.username, at, state.settings.agency_name, tz)
    return Response(
        render(doc, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": content_disposition(f"lpr-metrics-{start:%Y%m%d}-{end:%Y%m%d}", format)},
    )
