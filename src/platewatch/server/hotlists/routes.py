"""Hot-list routes: lists, versions and diffs, manual entries (purpose required), and the unit download."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.alerts import hotlist_age, hotlist_is_stale
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import AppState, DbDep, NowDep, StateDep, UnitDep, require
from platewatch.server.errors import ApiError, validation_message
from platewatch.server.hotlists import changes, deletion, service
from platewatch.server.hotlists.importers import ImportRefused, LineProblem
from platewatch.server.hotlists.models import HotList, HotListVersion
from platewatch.server.hotlists.schemas import (
    ChangeResult,
    DeletedList,
    DiffPublic,
    EntryPublic,
    HotListCreate,
    HotListPublic,
    HotListSettingsChange,
    ImportReport,
    ManualEntryCreate,
    RetireRequest,
    SnapshotPublic,
    VersionPublic,
    entry_public,
)
from platewatch.server.inputs import Count, RowId
from platewatch.server.reads.schemas import READ_FIELDS, READ_FIELDS_HEADER
from platewatch.server.unit_status import service as unit_status

router = APIRouter(prefix="/api/v1/hotlists", tags=["hot lists"])
unit_router = APIRouter(prefix="/api/v1/unit", tags=["units"])

Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_HOTLISTS))]
Manager = Annotated[UserSession, Depends(require(Permission.MANAGE_HOTLISTS))]
Entrant = Annotated[UserSession, Depends(require(Permission.ADD_MANUAL_ENTRIES))]

_STATUS = {"not_found": 404, "list_exists": 409, "list_active": 409, "list_needed": 409, "retired": 409}


def _error(exc: service.HotListError) -> ApiError:
    return ApiError(_STATUS.get(exc.code, 422), exc.code, exc.message)


def version_public(v: HotListVersion) -> VersionPublic:
    return VersionPublic.model_validate(v, from_attributes=True)


def list_public(db: DbDep, h: HotList, now: NowDep) -> HotListPublic:
    v = service.latest_version(db, h.id)
    return HotListPublic(
        id=h.id,
        name=h.name,
        source=h.source,
        category=h.default_category,
        priority=h.priority,
        covert=h.covert,
        approximate=h.approximate,
        import_format=h.import_format,
        state_filter=h.state_filter,
        alert_colour=h.alert_colour,
        alert_sound=h.alert_sound,
        watch_folder=h.watch_folder,
        import_every_minutes=h.import_every_minutes,
        version=v.id if v else None,
        version_created_at=v.created_at if v else None,
        entry_count=v.entry_count if v else 0,
        age_hours=round(hotlist_age(v.created_at, now).total_seconds() / 3600, 2) if v else None,
        stale=hotlist_is_stale(v.created_at, now) if v else True,
    )


def _list(db: DbDep, list_id: RowId) -> HotList:
    try:
        return service.get_list(db, list_id)
    except service.HotListError as exc:
        raise _error(exc) from exc


@router.get("", response_model=list[HotListPublic], summary="All hot lists with their current version and age")
def list_hotlists(_: Viewer, db: DbDep, at: NowDep) -> list[HotListPublic]:
    return [list_public(db, h, at) for h in db.scalars(select(HotList).order_by(HotList.priority, HotList.name))]


@router.post("", response_model=HotListPublic, status_code=201, summary="Create a hot list")
def create_hotlist(body: HotListCreate, who: Manager, db: DbDep, at: NowDep) -> HotListPublic:
    try:
        h = service.create_from(db, body, who.user.username, at)
    except service.HotListError as exc:
        raise _error(exc) from exc
    db.commit()
    return list_public(db, h, at)


@router.patch(
    "/{list_id}",
    response_model=HotListPublic,
    summary="Change some of a list's settings",
    description="The fields given change and the others stay; the result must meet a new list's rules (a watched "
    "folder needs a schedule and an import format). A change is a new version with the same entries, its note saying "
    "what changed and who changed it, so units and the server's matcher take the new settings with it; nothing "
    "changed is no version. A retired list cannot be changed (409 `retired`).",
)
def change_settings(list_id: RowId, body: HotListSettingsChange, who: Manager, db: DbDep, at: NowDep) -> HotListPublic:
    hotlist = _list(db, list_id)
    try:
        changes.change_settings(db, hotlist, body, actor=who.user.username, now=at)
    except ValidationError as exc:
        raise ApiError(422, "bad_settings", validation_message(exc)) from exc
    except service.HotListError as exc:
        db.rollback()
        raise _error(exc) from exc
    db.commit()
    return list_public(db, hotlist, at)


@router.post(
    "/{list_id}/retire",
    response_model=HotListPublic,
    summary="Retire a list: its hits stop on the server and on units",
    description="The list gets an empty last version whose note is the reason; its earlier versions stay as every "
    "version does (order V.D.3), and it can be deleted once no kept read or alert needs it.",
)
def retire_hotlist(list_id: RowId, body: RetireRequest, who: Manager, db: DbDep, at: NowDep) -> HotListPublic:
    hotlist = _list(db, list_id)
    try:
        changes.retire(db, hotlist, actor=who.user.username, now=at, reason=body.reason)
    except service.HotListError as exc:
        db.rollback()
        raise _error(exc) from exc
    db.commit()
    return list_public(db, hotlist, at)


@router.delete(
    "/{list_id}",
    response_model=DeletedList,
    summary="Delete a retired hot list that no kept read or alert needs",
    description="Order V.D.3 keeps a hot list as long as the reads and alerts that refer to it: an active list is "
    "refused (409 `list_active`: retire it first), and so is a retired one while a kept alert names it or a kept read "
    "was compared against its entries (409 `list_needed`, the message saying which and how many are under a legal "
    "hold). The deletion, and a refused one, are written to the audit trail.",
)
def delete_hotlist(list_id: RowId, who: Manager, db: DbDep) -> DeletedList:
    hotlist = _list(db, list_id)
    try:
        done = deletion.delete_list(db, hotlist, actor=who.user.username)
    except service.HotListError as exc:
        db.rollback()
        deletion.record_refusal(db, hotlist, who.user.username, exc.message)
        db.commit()
        raise _error(exc) from exc
    db.commit()
    return DeletedList(id=done.id, name=done.name, versions=done.versions)


@router.get("/{list_id}/versions", response_model=list[VersionPublic], summary="Versions of a list, newest first")
def list_versions(list_id: RowId, _: Viewer, db: DbDep) -> list[VersionPublic]:
    _list(db, list_id)
    stmt = select(HotListVersion).where(HotListVersion.hotlist_id == list_id).order_by(HotListVersion.id.desc())
    return [version_public(v) for v in db.scalars(stmt)]


@router.get("/{list_id}/entries", response_model=list[EntryPublic], summary="Entries of a list's current version")
def list_entries(
    list_id: RowId,
    _: Viewer,
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=10000)] = 500,
    offset: Annotated[Count, Query(ge=0)] = 0,
) -> list[EntryPublic]:
    _list(db, list_id)
    v = service.latest_version(db, list_id)
    entries = service.stored_entries(db, v.id) if v else []
    entries.sort(key=lambda s: s.entry.key)
    return [entry_public(s) for s in entries[offset : offset + limit]]


@router.post("/{list_id}/entries", response_model=ChangeResult, status_code=201, summary="Add a manual entry")
def add_entry(
    list_id: RowId, body: ManualEntryCreate, who: Entrant, db: DbDep, at: NowDep, state: StateDep
) -> ChangeResult:
    hotlist = _list(db, list_id)
    try:
        version, retro = changes.add_manual_entry(
            db, state.matcher, state.settings, hotlist, body.to_entry(), actor=who.user.username, now=at
        )
    except service.HotListError as exc:
        raise _error(exc) from exc
    db.commit()
    return ChangeResult(version=version_public(version), retro_alerts=retro)


@router.delete("/{list_id}/entries", response_model=ChangeResult, summary="Remove an entry (a new version)")
def remove_entry(
    list_id: RowId,
    who: Entrant,
    db: DbDep,
    at: NowDep,
    plate: Annotated[str, Query(max_length=10)],
    reason: Annotated[str, Query(max_length=200)],
    state: Annotated[str | None, Query(max_length=2)] = None,
) -> ChangeResult:
    hotlist = _list(db, list_id)
    try:
        version = service.remove_entry(
            db, hotlist, plate.upper(), state, actor=who.user.username, now=at, reason=reason
        )
    except service.HotListError as exc:
        raise _error(exc) from exc
    db.commit()
    return ChangeResult(version=version_public(version), retro_alerts=0)


def problems_json(problems: Iterable[LineProblem]) -> list[dict[str, object]]:
    return [{"line": p.line_no, "reason": p.reason, "text": p.text} for p in problems]


@router.post(
    "/{list_id}/import",
    response_model=ImportReport,
    summary="Import a hot-list file as the list's new version (all or nothing)",
    description="The request body is the file itself. Malformed lines are reported by line number; an import "
    "that loses more than the configured share of its lines is refused whole and the list stays as it was.",
    openapi_extra={"requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}},
)
async def import_hotlist(
    list_id: RowId,
    request: Request,
    who: Manager,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    format: Annotated[
        str | None, Query(max_length=32, description="importer name (see `platewatch hotlist formats`)")
    ] = None,
    encoding: Annotated[str | None, Query(max_length=32)] = None,
    filename: Annotated[str, Query(max_length=200)] = "",
) -> ImportReport:
    data = await request.body()
    if len(data) > state.settings.hotlist_max_bytes:
        raise ApiError(413, "file_too_large", f"file over {state.settings.hotlist_max_bytes} bytes")
    return await run_in_threadpool(_import, list_id, data, who, db, at, state, format, encoding, filename)


def _import(
    list_id: RowId, data: bytes, who: UserSession, db: Session, at: dt.datetime, state: AppState,
    format: str | None, encoding: str | None, filename: str,
) -> ImportReport:  # fmt: skip
    hotlist = _list(db, list_id)
    try:
        imported = changes.import_file(
            db, state.matcher, state.settings, hotlist, data, format_name=format, encoding=encoding,
            filename=filename, actor=who.user.username, now=at,
        )  # fmt: skip
    except ImportRefused as exc:
        raise ApiError(422, "import_refused", exc.message, problems_json(exc.result.problems)) from exc
    except service.HotListError as exc:
        raise _error(exc) from exc
    db.commit()
    outcome, retro = imported.outcome, imported.retro_alerts
    r = outcome.result
    return ImportReport(
        version=version_public(outcome.version), lines_read=r.lines_read, data_lines=r.data_lines,
        entries=len(r.entries), new_entries=len(outcome.new_entries), bad_lines=r.bad_lines,
        problems=problems_json(r.problems), skipped_false_plates=r.skipped_false_plates,
        duplicates=r.duplicates, filtered_by_state=r.filtered_by_state, retro_alerts=retro,
    )  # fmt: skip


@router.get("/diff", response_model=DiffPublic, summary="What changed between two global versions")
def diff(
    _: Viewer,
    db: DbDep,
    from_version: Annotated[Count, Query(ge=0, alias="from")],
    to_version: Annotated[Count | None, Query(ge=1, alias="to")] = None,
) -> DiffPublic:
    old = service.snapshot(db, from_version) if from_version else None
    new = service.snapshot(db, to_version)
    added, removed = service.delta(old.entries if old else [], new.entries)
    return DiffPublic(
        from_version=from_version,
        to_version=new.version,
        added=[entry_public(s) for s in added],
        removed=[entry_public(s) for s in removed],
    )


@unit_router.get("/hotlist", response_model=SnapshotPublic, summary="The current hot list for this unit")
def unit_hotlist(
    unit: UnitDep,
    db: DbDep,
    at: NowDep,
    response: Response,
    since: Annotated[Count | None, Query(ge=1, description="the version the unit has; answer with a delta")] = None,
) -> SnapshotPublic:
    """Covert lists are not sent to units. With `since`, only the changes are sent (plus the hash of the
    whole current list, which the unit checks after applying them)."""
    current = service.snapshot(db, include_covert=False, today=at.date())
    unit_status.touch(db, unit, at, hotlist_version=current.version)  # what the unit holds from now (V.F.2)
    db.commit()
    response.headers[READ_FIELDS_HEADER] = READ_FIELDS  # before its first upload, what its reads may carry (ADR 0025)
    lists = {
        h.id: {"name": h.name, "category": h.default_category, "priority": h.priority, "colour": h.alert_colour,
               "sound": h.alert_sound, "approximate": int(h.approximate)}
        for h in current.lists.values() if not h.covert
    }  # fmt: skip
    if since is None or since > current.version:
        return SnapshotPublic(
            version=current.version, created_at=current.created_at, content_hash=current.content_hash, full=True,
            since=None, entries=[entry_public(s) for s in current.entries], lists=lists,
        )  # fmt: skip
    old = service.snapshot(db, since, include_covert=False, today=at.date())
    added, removed = service.delta(old.entries, current.entries)
    return SnapshotPublic(
        version=current.version, created_at=current.created_at, content_hash=current.content_hash, full=False,
        since=since, entries=[entry_public(s) for s in added], removed=[entry_public(s) for s in removed],
        lists=lists,
    )  # fmt: skip
