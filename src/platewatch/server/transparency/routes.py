"""The transparency report (issue 25): the Program Administrator makes it for a period and publishes it as a static page
or a PDF; nothing in it names a plate, a person or a place finer than the town."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from platewatch.domain.local_time import shown, zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.documents import MEDIA_TYPES, TableDocument, as_pdf, content_disposition
from platewatch.server.reports.routes import window
from platewatch.server.transparency.service import TransparencyReport, report
from platewatch.server.web.routes import page, templates

router = APIRouter(tags=["transparency"])
Publisher = Annotated[UserSession, Depends(require(Permission.PUBLISH_TRANSPARENCY))]
Since = Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD (the agency's day); default 14 days ago")]
Until = Annotated[str | None, Query(max_length=40, description="exclusive; default now")]


def document(r: TransparencyReport, tz_name: str) -> TableDocument:
    """The report as one table of figures (the PDF)."""
    tz = zone(tz_name)
    rows: list[tuple[str, str | int]] = [
        ("Retention period (days; longer only under a legal hold)", r.retention_days),
        ("Plates read in the period, still stored (older reads are purged)", r.reads_captured),
        ("Reads stored now", r.reads_kept_now),
        ("Reads deleted by the retention purge in the period", r.reads_purged),
        ("Hot-list hits", r.hits),
        ("Hits confirmed through COLLECT/NCIC", r.hits_confirmed),
        ("Searches of LPR data", r.searches),
        *((f"Searches: {c.key}", c.count) for c in r.searches_by_category),
        *((f"Data requests {c.key}", c.count) for c in r.data_requests),
        ("Audits of data use completed", r.audits_completed),
        *((f"Hot lists from source: {c.key}", c.count) for c in r.hotlist_sources),
    ]
    return TableDocument(
        title=f"{r.agency}: license plate reader transparency report",
        about=(f"{shown(r.since, tz)} to {shown(r.until, tz)}. No plate, person or place is named in this report.",),
        headers=("Figure", "Value"),
        rows=tuple(rows),
        widths=(4, 1),
    )


def _make(db: DbDep, at: NowDep, state: StateDep, since: str | None, until: str | None) -> TransparencyReport:
    s = state.settings
    tz = zone(s.time_zone)
    start, end = window(since, until, at, tz)
    return report(db, start, end, s.agency_name, s.retention_days, tz)


@router.get(
    "/api/v1/transparency",
    response_model=TransparencyReport,
    summary="The public transparency report for a period (JSON, PDF, or a static HTML page to publish)",
    responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
)
def transparency(
    request: Request,
    _: Publisher,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    since: Since = None,
    until: Until = None,
    format: Annotated[Literal["json", "pdf", "html"], Query(description="json, pdf or html")] = "json",
) -> TransparencyReport | Response:
    r = _make(db, at, state, since, until)
    name = f"lpr-transparency-{r.since:%Y%m%d}-{r.until:%Y%m%d}"
    if format == "json":
        return r
    if format == "pdf":
        pdf = as_pdf(document(r, state.settings.time_zone))
        return Response(
            pdf, media_type=MEDIA_TYPES["pdf"], headers={"Content-Disposition": content_disposition(name, "pdf")}
        )
    tz = zone(state.settings.time_zone)
    public = templates.get_template("transparency_public.html")
    html = public.render(r=r, tz=tz.key, since=shown(r.since, tz), until=shown(r.until, tz))
    return HTMLResponse(html, headers={"Content-Disposition": content_disposition(name, "html")})


@router.get("/transparency", response_class=HTMLResponse, include_in_schema=False)
def transparency_page(
    request: Request, who: Publisher, db: DbDep, at: NowDep, state: StateDep, since: Since = None, until: Until = None
) -> HTMLResponse:
    r = _make(db, at, state, since, until)
    return page(request, "transparency.html", role=who.user.role, r=r, since=since or "", until=until or "")
