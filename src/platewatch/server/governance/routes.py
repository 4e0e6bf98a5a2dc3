"""Legal-hold API (order V.D.4): placing and viewing holds goes through the query log; releasing is the program
administrator's and is recorded as a security event. The purge log (counts only) is for administrators and auditors."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from platewatch.domain.local_time import zone
from platewatch.domain.log_pages import MAX_PAGE_SIZE, FilterError, PurgeFilter, purge_filter
from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, QueryContext, StateDep, query_logged, require
from platewatch.server.documents import MEDIA_TYPES, content_disposition, render
from platewatch.server.governance import evidence, holds, retention
from platewatch.server.governance.documents import purge_log_document
from platewatch.server.governance.schemas import (
    CustodyEventPublic,
    CustodyPublic,
    CustodyStep,
    HoldCreate,
    HoldDetail,
    HoldPublic,
    HoldRelease,
    HoldsPublic,
    PurgeRunPublic,
    PurgeRunsPublic,
)
from platewatch.server.inputs import RowId
from platewatch.server.log_pages import filter_error, page_cursor
from platewatch.server.reads.imagestore import ImageStore

router = APIRouter(prefix="/api/v1/holds", tags=["governance"])
purge_router = APIRouter(prefix="/api/v1/purges", tags=["governance"])

PlaceCtx = Annotated[QueryContext, Depends(query_logged(Action.PLACE_HOLD, Permission.MANAGE_HOLDS))]
ViewCtx = Annotated[QueryContext, Depends(query_logged(Action.VIEW_HOLDS, Permission.MANAGE_HOLDS))]
EvidenceCtx = Annotated[QueryContext, Depends(query_logged(Action.EXPORT_EVIDENCE, Permission.MANAGE_HOLDS))]
Releaser = Annotated[UserSession, Depends(require(Permission.RELEASE_HOLDS))]
Custodian = Annotated[UserSession, Depends(require(Permission.MANAGE_HOLDS))]
PurgeAuditor = Annotated[UserSession, Depends(require(Permission.VIEW_PURGE_LOG))]


@router.post(
    "",
    status_code=201,
    response_model=HoldDetail,
    summary="Place a legal hold: the reads it names are not purged until it is released (case number required)",
)
def place_hold(ctx: PlaceCtx, body: HoldCreate) -> HoldDetail:
    detail = holds.place(ctx.db, body, ctx.case_number, ctx.username, ctx.at)
    scope = {"hold": detail.id, "read_ids": len(body.read_ids), "plate": body.plate or ""}
    for name in ("captured_from", "captured_to"):
        value = getattr(body, name)
        if value is not None:
            scope[name] = value.isoformat()
    ctx.record(detail.read_count, scope)
    return detail


@router.get("", response_model=HoldsPublic, summary="Every legal hold, newest first (logged)")
def list_holds(ctx: ViewCtx) -> HoldsPublic:
    found = holds.all_holds(ctx.db)
    entry = ctx.record(len(found))
    return HoldsPublic(holds=found, query_log_seq=entry.seq)


@router.get("/{hold_id}", response_model=HoldDetail, summary="One legal hold and the reads it preserves (logged)")
def get_hold(hold_id: RowId, ctx: ViewCtx) -> HoldDetail:
    detail = holds.one(ctx.db, hold_id)
    ctx.record(detail.read_count)
    return detail


@router.get(
    "/{hold_id}/evidence",
    summary="The evidence package of a hold: a ZIP of its reads, images and hits with SHA256SUMS (a custody event)",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def export_evidence(hold_id: RowId, ctx: EvidenceCtx, state: StateDep) -> Response:
    settings = state.settings
    store = ImageStore(settings.image_dir)
    package = evidence.build(
        ctx.db, store, hold_id, settings.agency_name, ctx.username, ctx.at, zone(settings.time_zone)
    )
    entry = ctx.record(package.read_count, {"hold": hold_id, "package_sha256": package.sha256})
    evidence.record_export(ctx.db, hold_id, package, ctx.username, ctx.at, entry.seq)
    ctx.db.commit()
    headers = {
        "Content-Disposition": f'attachment; filename="hold-{hold_id}-evidence.zip"',
        "X-Package-SHA256": package.sha256,
        "X-Damaged-Images": str(package.damaged_images),
    }
    return Response(package.data, media_type="application/zip", headers=headers)


@router.get("/{hold_id}/custody", response_model=CustodyPublic, summary="The chain of custody of a hold (logged)")
def get_custody(hold_id: RowId, ctx: ViewCtx) -> CustodyPublic:
    events = evidence.custody(ctx.db, hold_id)
    ctx.record(len(events))
    return CustodyPublic(hold_id=hold_id, events=[CustodyEventPublic.model_validate(e) for e in events])


@router.post(
    "/{hold_id}/custody",
    status_code=201,
    response_model=CustodyEventPublic,
    summary="A custody step for an exported package: transferred to, received from, returned, destroyed",
)
def add_custody_step(hold_id: RowId, step: CustodyStep, who: Custodian, db: DbDep, at: NowDep) -> CustodyEventPublic:
    event = evidence.record_step(db, hold_id, step, who.user.username, at)
    public = CustodyEventPublic.model_validate(event)
    db.commit()
    return public


@router.post(
    "/{hold_id}/release",
    response_model=HoldPublic,
    summary="Program administrator: the obligation ended; its reads are purged with the next purge if expired",
)
def release_hold(hold_id: RowId, body: HoldRelease, who: Releaser, db: DbDep, at: NowDep) -> HoldPublic:
    public = holds.release(db, hold_id, body.note, who.user.username, at)
    db.commit()
    return public


def purge_criteria(
    state: StateDep,
    ran_by: Annotated[str | None, Query(max_length=64, description="server (its hourly purge), cli, ...")] = None,
    dry_run: Annotated[str | None, Query(max_length=10, description="yes: dry runs only; no: real purges only")] = None,
    from_date: Annotated[str | None, Query(max_length=10, description="first day (YYYY-MM-DD), the agency's")] = None,
    to_date: Annotated[str | None, Query(max_length=10, description="last day, included (the agency's)")] = None,
) -> PurgeFilter:
    """The purge log's criteria from the query string."""
    try:
        return purge_filter(zone(state.settings.time_zone), ran_by=ran_by, dry_run=dry_run, from_date=from_date,
                            to_date=to_date)  # fmt: skip
    except FilterError as exc:
        raise filter_error(exc) from exc


PurgeCriteria = Annotated[PurgeFilter, Depends(purge_criteria)]


@purge_router.get("", response_model=PurgeRunsPublic, summary="The purge log: what each purge deleted, newest first")
def purge_log(
    _: PurgeAuditor,
    db: DbDep,
    criteria: PurgeCriteria,
    cursor: Annotated[str | None, Query(max_length=30, description="a page's next_cursor or previous_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
) -> PurgeRunsPublic:
    try:
        found = retention.runs_page(db, criteria, page_cursor(cursor), limit)
    except FilterError as exc:
        raise filter_error(exc) from exc
    return PurgeRunsPublic(
        runs=[PurgeRunPublic.model_validate(r) for r in found.rows],
        next_cursor=found.older.text() if found.older else None,
        previous_cursor=found.newer.text() if found.newer else None,
        filters=criteria.described(),
    )


PURGE_EXPORT_ROWS = 10_000
"""The most runs one document holds (more than a year of hourly purges)."""


@purge_router.get(
    "/export",
    summary="The purge log as CSV or PDF, newest first, with the same filters (at most 10,000 runs)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
def export_purge_log(
    who: PurgeAuditor, db: DbDep, at: NowDep, state: StateDep, criteria: PurgeCriteria,
    format: Literal["csv", "pdf"] = "csv",
) -> Response:  # fmt: skip
    runs = retention.matching_runs(db, criteria, PURGE_EXPORT_ROWS + 1)
    doc = purge_log_document(runs[:PURGE_EXPORT_ROWS], criteria.described(), len(runs) > PURGE_EXPORT_ROWS,
                             who.user.username, at, state.settings.agency_name,
                             zone(state.settings.time_zone))  # fmt: skip
    name = content_disposition(f"lpr-purge-log-{at:%Y%m%d-%H%M}", format)
    return Response(render(doc, format), media_type=MEDIA_TYPES[format], headers={"Content-Disposition": name})
