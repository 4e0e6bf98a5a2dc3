"""Legal-hold API (order V.D.4): placing and viewing holds goes through the query log; releasing is the program
administrator's and is recorded as a security event. The purge log (counts only) is for administrators and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from platewatch.domain.local_time import zone
from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, QueryContext, StateDep, query_logged, require
from platewatch.server.governance import evidence, holds, retention
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


@purge_router.get("", response_model=PurgeRunsPublic, summary="The purge log: what each purge deleted, newest first")
def purge_log(_: PurgeAuditor, db: DbDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> PurgeRunsPublic:
    return PurgeRunsPublic(runs=[PurgeRunPublic.model_validate(r) for r in retention.recent_runs(db, limit)])
