"""LEAS documentation API (order V.E.2f): record a stop, arrest or recovery that an LPR search led to, give a search
outcome's LEAS number later, and the supervisors' report of LPR outcomes not documented under the LPR sub-type."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from platewatch.domain.local_time import shown, zone
from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.documents import MEDIA_TYPES, TableDocument, content_disposition, render
from platewatch.server.inputs import RowId, Seq
from platewatch.server.leas import service
from platewatch.server.leas.schemas import LeasDocumentation, LeasReport, SearchOutcomeCreate, SearchOutcomePublic
from platewatch.server.reports.routes import window
from platewatch.server.supervision import scope

router = APIRouter(prefix="/api/v1", tags=["LEAS"])
Searcher = Annotated[UserSession, Depends(require(Permission.SEARCH_READS))]
Reporter = Annotated[UserSession, Depends(require(Permission.VIEW_REPORTS))]


def acts_for_others(who: UserSession) -> bool:
    """Supervisors (who see reports) record and complete outcomes for their people too."""
    return allows(Role(who.user.role), Permission.VIEW_REPORTS)


@router.post(
    "/searches/{seq}/outcome",
    status_code=201,
    response_model=SearchOutcomePublic,
    summary="A stop, arrest or recovery that an LPR search (its query-log row) led to (V.E.2f)",
)
def record_search_outcome(
    seq: Seq, body: SearchOutcomeCreate, who: Searcher, db: DbDep, at: NowDep
) -> SearchOutcomePublic:
    row = service.record_search_outcome(db, seq, body, who.user.username, acts_for_others(who), at)
    db.commit()
    return SearchOutcomePublic.model_validate(row)


@router.post(
    "/search-outcomes/{outcome_id}/leas",
    response_model=SearchOutcomePublic,
    summary="The LEAS incident number and sub-type of a search's outcome, given after it was recorded",
)
def document_search_outcome(
    outcome_id: RowId, body: LeasDocumentation, who: Searcher, db: DbDep
) -> SearchOutcomePublic:
    row = service.document_search_outcome(db, outcome_id, body.incident_number, body.leas_subtype,
                                           who.user.username, acts_for_others(who))  # fmt: skip
    db.commit()
    return SearchOutcomePublic.model_validate(row)


@router.get(
    "/reports/leas",
    response_model=LeasReport,
    summary="Stops, arrests and recoveries from LPR not documented in LEAS under the LPR sub-type (JSON, CSV, PDF)",
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
def leas_report(
    who: Reporter,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    since: Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD (the agency's day) or ISO time")] = None,
    until: Annotated[str | None, Query(max_length=40, description="exclusive; default now")] = None,
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",
) -> LeasReport | Response:
    tz = zone(state.settings.time_zone)
    start, end = window(since, until, at, tz)
    report = service.report(db, start, end, state.settings.leas_lpr_subtype, scope.people_for(db, who.user))
    if format == "json":
        return report
    doc = TableDocument(
        title=f"{state.settings.agency_name}: LPR outcomes not documented in LEAS",
        about=(
            f"Order V.E.2f: incidents and arrests that involve LPR are documented in LEAS under the sub-type "
            f"{report.lpr_subtype}. Stops, arrests and recoveries from {shown(start, tz)} to {shown(end, tz)}: "
            f"{report.outcomes} ({report.from_searches} from searches), {len(report.undocumented)} not documented.",
            "By officer: " + (", ".join(f"{o.officer} {o.count}" for o in report.by_officer) or "none") + ".",
            "By supervisor: " + (", ".join(f"{s.supervisor} {s.count}" for s in report.by_supervisor) or "none") + ".",
            f"Made {shown(at, tz)} by {who.user.username}.",
        ),
        headers=(
            "From",
            "Alert or outcome",
            "Query-log row",
            "Outcome",
            "Officer",
            "When",
            "Incident",
            "Sub-type",
            "Problem",
        ),
        rows=tuple(
            (
                g.source,
                g.id,
                g.query_log_seq,
                g.outcome,
                g.officer,
                shown(g.at, tz),
                g.incident_number,
                g.leas_subtype,
                g.problem,
            )
            for g in report.undocumented
        ),
    )
    return Response(
        render(doc, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": content_disposition(f"lpr-leas-{start:%Y%m%d}-{end:%Y%m%d}", format)},
    )
