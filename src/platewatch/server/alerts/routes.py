"""Alert routes: the queue (logged like any access to read data), lifecycle actions, and a live feed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from platewatch.domain.alerts import hotlist_age, hotlist_is_stale
from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts.models import Unit, UserSession
from platewatch.server.accounts.service import record_event
from platewatch.server.alerts import repeats, service
from platewatch.server.alerts.models import Alert, AlertRepeat
from platewatch.server.alerts.schemas import (
    AlertPublic,
    AlertsPublic,
    AlertStatusPublic,
    DisposeBody,
    RejectBody,
    RepeatPublic,
    VerifyBody,
)
from platewatch.server.areas.scope import Scope, restrict, scope_of
from platewatch.server.deps import DbDep, NowDep, QueryContext, StateDep, query_logged, require
from platewatch.server.errors import ApiError
from platewatch.server.hotlists.models import HotList, HotListEntryRow, HotListVersion
from platewatch.server.hotlists.schemas import entry_public
from platewatch.server.hotlists.service import StoredEntry, row_to_entry
from platewatch.server.inputs import Count, RowId
from platewatch.server.leas.schemas import LeasDocumentation
from platewatch.server.reads.models import Read

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

REVIEW = ("review of LPR hits: accept/reject, verify, dispose (order V.E.5, V.F.3)", "ALERT-QUEUE")
FEED = ("live monitoring of LPR alerts (order V.E.4)", "ALERT-FEED")
QueueCtx = Annotated[
    QueryContext, Depends(query_logged(Action.VIEW_ALERTS, Permission.VIEW_ALERTS, standing_purpose=REVIEW))
]
FeedCtx = Annotated[
    QueryContext, Depends(query_logged(Action.ALERT_FEED, Permission.VIEW_ALERTS, standing_purpose=FEED))
]
Decider = Annotated[UserSession, Depends(require(Permission.DECIDE_ALERTS))]
Verifier = Annotated[UserSession, Depends(require(Permission.VERIFY_ALERTS))]
Disposer = Annotated[UserSession, Depends(require(Permission.DISPOSE_ALERTS))]


def sees_covert(role: str) -> bool:
    """Hits on covert lists reach the back office only."""
    return allows(Role(role), Permission.VIEW_COVERT)


def _preload(db: Session, rows: list[Alert]) -> list[Any]:
    """Load what the alerts refer to with one query per table, so that `db.get` below finds every object
    in the session instead of querying once per alert. The caller keeps the returned list alive (the
    session holds its objects weakly)."""

    def load(model: Any, ids: set[Any]) -> list[Any]:
        return list(db.scalars(select(model).where(model.id.in_(ids)))) if ids else []

    reads = load(Read, {a.read_id for a in rows})
    return [
        *reads,
        *load(Unit, {r.unit_id for r in reads}),
        *load(HotListEntryRow, {a.entry_id for a in rows}),
        *load(HotList, {a.hotlist_id for a in rows}),
        *load(HotListVersion, {a.version_id for a in rows}),
    ]


def alerts_public(db: Session, rows: list[Alert], now: Any, context: int | None) -> list[AlertPublic]:
    out = []
    _keep_alive = _preload(db, rows)
    passes = repeats.passes_of(db, (a.id for a in rows))
    for a in rows:
        read = db.get(Read, a.read_id)
        entry_row = db.get(HotListEntryRow, a.entry_id)
        hotlist = db.get(HotList, a.hotlist_id)
        version = db.get(HotListVersion, a.version_id)
        assert read is not None and entry_row is not None and hotlist is not None and version is not None
        unit = db.get(Unit, read.unit_id)
        suffix = f"?context={context}" if context else ""
        entry = entry_public(StoredEntry(row_to_entry(entry_row), hotlist.id, entry_row.id, entry_row.owner,
                                         entry_row.added_at)).model_dump(mode="json")  # fmt: skip
        out.append(
            AlertPublic(
                id=a.id,
                status=a.status,
                created_at=a.created_at,
                origin=a.origin,
                match_kind=a.match_kind,
                matched_text=a.matched_text,
                reason=a.reason,
                priority=a.priority,
                state_match=a.state_match,
                covert=a.covert,
                hotlist={
                    "id": hotlist.id,
                    "name": hotlist.name,
                    "category": hotlist.default_category,
                    "colour": hotlist.alert_colour,
                    "sound": hotlist.alert_sound,
                },
                entry=entry,
                read={
                    "id": str(read.id),
                    "plate": read.plate,
                    "state": read.state,
                    "captured_at": read.captured_at.isoformat(),
                    "unit": unit.name if unit else "",
                    "camera": read.camera,
                    "latitude": read.latitude,
                    "longitude": read.longitude,
                    "confidence": read.confidence,
                    "plate_image_url": f"/api/v1/reads/{read.id}/images/plate{suffix}" if read.plate_image else None,
                },
                hotlist_version=a.version_id,
                hotlist_age_hours=round(hotlist_age(version.created_at, a.created_at).total_seconds() / 3600, 2),
                hotlist_stale=hotlist_is_stale(version.created_at, a.created_at),
                decided_by=a.decided_by,
                decided_at=a.decided_at,
                reject_reason=a.reject_reason,
                reject_note=a.reject_note,
                verified_by=a.verified_by,
                verified_at=a.verified_at,
                verification_note=a.verification_note,
                disposition=a.disposition,
                incident_number=a.incident_number,
                leas_subtype=a.leas_subtype,
                disposed_by=a.disposed_by,
                disposed_at=a.disposed_at,
                repeat_count=len(passes[a.id]),
                repeats=[repeat_public(p) for p in passes[a.id]],
            )
        )
    return out


def repeat_public(p: AlertRepeat) -> RepeatPublic:
    return RepeatPublic(
        read_id=p.read_id, captured_at=p.captured_at, latitude=p.latitude, longitude=p.longitude,
        match_kind=p.match_kind, matched_text=p.matched_text, recorded_at=p.recorded_at,
    )  # fmt: skip


@router.get("", response_model=AlertsPublic, summary="Alerts, newest first (each access is logged)")
def list_alerts(
    ctx: QueueCtx,
    at: NowDep,
    status: Annotated[
        str | None, Query(pattern="^(pending|accepted|rejected|confirmed|not_confirmed|disposed)$")
    ] = None,
    origin: Annotated[str | None, Query(pattern="^(ingest|retro|unit)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AlertsPublic:
    stmt = select(Alert).order_by(Alert.priority, Alert.id.desc())
    if status:
        stmt = stmt.where(Alert.status == status)
    if origin:
        stmt = stmt.where(Alert.origin == origin)
    if not sees_covert(ctx.role):
        stmt = stmt.where(Alert.covert.is_(False))
    rows = list(ctx.db.scalars(stmt.limit(limit)))
    entry = ctx.record(len(rows))
    return AlertsPublic(alerts=alerts_public(ctx.db, rows, at, entry.seq), query_log_seq=entry.seq)


def new_alerts(
    sessions: sessionmaker[Session], after: int, covert: bool, now: dt.datetime, seq: int, scope: Scope | None = None
) -> list[AlertPublic]:
    """Up to 100 alerts with an id above `after`, in a short session of its own (one poll of the live feed), limited
    like the request's own session when its person is restricted (`scope`)."""
    with sessions() as db:
        restrict(db, scope.restriction if scope else None, now)
        stmt = select(Alert).where(Alert.id > after).order_by(Alert.id)
        if not covert:
            stmt = stmt.where(Alert.covert.is_(False))
        rows = list(db.scalars(stmt.limit(100)))
        return alerts_public(db, rows, now, seq)


@router.get(
    "/stream",
    summary="Server-Sent Events: each new alert as it is raised",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream(
    ctx: FeedCtx,
    state: StateDep,
    after: Annotated[Count | None, Query(ge=0, description="send alerts with a larger id (default: only new)")] = None,
    seconds: Annotated[int, Query(ge=1, le=3600, description="close the stream after this long")] = 3600,
) -> StreamingResponse:
    covert = sees_covert(ctx.role)
    scope = scope_of(ctx.db)  # the polls run in sessions of their own: each is limited as this request's is
    last = after if after is not None else (ctx.db.scalar(select(Alert.id).order_by(Alert.id.desc()).limit(1)) or 0)
    entry = ctx.record(0, {"after": last})
    sessions = state.sessions
    clock = state.clock

    async def events() -> AsyncIterator[bytes]:
        nonlocal last
        yield b": connected\n\n"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            # In a worker thread: a query that waits (SQLite's write lock, a table a purge holds) waits there, and the
            # event loop goes on answering everyone else.
            try:
                payload = await run_in_threadpool(new_alerts, sessions, last, covert, clock(), entry.seq, scope)
            except OperationalError as exc:  # e.g. SQLite's lock held past its busy timeout: try again next second
                log.warning("alert stream: the database did not answer (%s); trying again", type(exc.orig).__name__)
                payload = []
            for a in payload:
                last = max(last, a.id)
                data = json.dumps(a.model_dump(mode="json"))
                yield f"id: {a.id}\nevent: alert\ndata: {data}\n\n".encode()
            if not payload:
                yield b": keep-alive\n\n"
                await asyncio.sleep(1.0)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.get("/{alert_id}", response_model=AlertPublic, summary="One alert (logged)")
def get_alert(alert_id: RowId, ctx: QueueCtx, at: NowDep) -> AlertPublic:
    try:
        alert = service.get(ctx.db, alert_id)
    except service.AlertError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    if alert.covert and not sees_covert(ctx.role):
        raise ApiError(404, "not_found", f"no alert {alert_id}")
    entry = ctx.record(1)
    return alerts_public(ctx.db, [alert], at, entry.seq)[0]


def act_on_alert(db: Session, alert_id: RowId, action: str, who: UserSession, at: Any, **kw: Any) -> AlertStatusPublic:
    """Apply a lifecycle action for `who` and commit (shared by the API and the web page)."""
    try:
        alert = service.get(db, alert_id)
        if alert.covert and not sees_covert(who.user.role):
            raise service.AlertError("not_found", f"no alert {alert_id}", 404)
        alert = service.transition(db, alert_id, action, who.user.username, at, **kw)
    except service.AlertError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    db.commit()
    return AlertStatusPublic(id=alert.id, read_id=alert.read_id, status=alert.status)


@router.post("/{alert_id}/accept", response_model=AlertStatusPublic, summary="Officer: the image matches the entry")
def accept(alert_id: RowId, who: Decider, db: DbDep, at: NowDep) -> AlertStatusPublic:
    return act_on_alert(db, alert_id, "accept", who, at)


@router.post("/{alert_id}/reject", response_model=AlertStatusPublic, summary="Officer: not a hit, and why")
def reject(alert_id: RowId, body: RejectBody, who: Decider, db: DbDep, at: NowDep) -> AlertStatusPublic:
    return act_on_alert(db, alert_id, "reject", who, at, reason=body.reason, note=body.note)


@router.post("/{alert_id}/verify", response_model=AlertStatusPublic, summary="Dispatch: COLLECT/NCIC confirmation")
def verify(alert_id: RowId, body: VerifyBody, who: Verifier, db: DbDep, at: NowDep) -> AlertStatusPublic:
    return act_on_alert(db, alert_id, "verify", who, at, confirmed=body.confirmed, note=body.note)


@router.post("/{alert_id}/dispose", response_model=AlertStatusPublic, summary="Outcome and LEAS incident number")
def dispose(alert_id: RowId, body: DisposeBody, who: Disposer, db: DbDep, at: NowDep) -> AlertStatusPublic:
    return act_on_alert(
        db, alert_id, "dispose", who, at, disposition=body.disposition, incident_number=body.incident_number,
        leas_subtype=body.leas_subtype,
    )  # fmt: skip


@router.post(
    "/{alert_id}/leas",
    response_model=AlertStatusPublic,
    summary="The LEAS incident number and sub-type of a stop, arrest or recovery, given after it was recorded",
)
def document_in_leas(
    alert_id: RowId, body: LeasDocumentation, who: Disposer, db: DbDep, at: NowDep
) -> AlertStatusPublic:
    status = act_on_alert(db, alert_id, "document", who, at, incident_number=body.incident_number,
                          leas_subtype=body.leas_subtype)  # fmt: skip
    record_event(db, who.user.username, "alert_documented_in_leas", "success", f"alert {alert_id}")
    db.commit()
    return status
