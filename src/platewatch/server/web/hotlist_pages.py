"""Web pages for hot lists (lists, versions, diffs, manual entries, imports) and the alert queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from platewatch.domain.alerts import Disposition, RejectReason, hotlist_age, hotlist_is_stale
from platewatch.domain.hotlists import CATEGORY_PRIORITY, Category, category_words
from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import SecurityEvent, UserSession
from platewatch.server.accounts.service import record_event
from platewatch.server.alerts.models import Alert
from platewatch.server.alerts.routes import REVIEW, act_on_alert, alerts_public, sees_covert
from platewatch.server.deps import DbDep, NowDep, QueryContext, StateDep, query_logged, require
from platewatch.server.errors import ApiError, validation_message
from platewatch.server.hotlists import changes, deletion, service
from platewatch.server.hotlists.importers import ImportRefused, formats
from platewatch.server.hotlists.models import HotList, HotListVersion
from platewatch.server.hotlists.schemas import HotListCreate, ManualEntryCreate
from platewatch.server.inputs import Count, RowId
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from platewatch.server.web.routes import data_uri, page

router = APIRouter(include_in_schema=False)

Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_HOTLISTS))]
Manager = Annotated[UserSession, Depends(require(Permission.MANAGE_HOTLISTS))]
Entrant = Annotated[UserSession, Depends(require(Permission.ADD_MANUAL_ENTRIES))]
Decider = Annotated[UserSession, Depends(require(Permission.DECIDE_ALERTS))]
Verifier = Annotated[UserSession, Depends(require(Permission.VERIFY_ALERTS))]
Disposer = Annotated[UserSession, Depends(require(Permission.DISPOSE_ALERTS))]
QueueCtx = Annotated[
    QueryContext, Depends(query_logged(Action.VIEW_ALERTS, Permission.VIEW_ALERTS, standing_purpose=REVIEW))
]


def _lists(db: DbDep, now: NowDep) -> list[dict[str, Any]]:
    out = []
    for h in db.scalars(select(HotList).order_by(HotList.priority, HotList.name)):
        v = service.latest_version(db, h.id)
        out.append({
            "list": h, "version": v,
            "age": hotlist_age(v.created_at, now).total_seconds() / 3600 if v else None,
            "stale": hotlist_is_stale(v.created_at, now) if v else True,
        })  # fmt: skip
    return out


@router.get("/hotlists", response_class=HTMLResponse)
def hotlists_page(request: Request, who: Viewer, db: DbDep, at: NowDep) -> HTMLResponse:
    return _index(request, who, db, at)


def _index(
    request: Request,
    who: UserSession,
    db: DbDep,
    at: NowDep,
    status: int = 200,
    form: dict[str, str] | None = None,
    **extra: object,
) -> HTMLResponse:
    """The lists, with the form for a new one (filled again with `form` when it was refused)."""
    failures = list(
        db.scalars(
            select(SecurityEvent)
            .where(SecurityEvent.event == "hotlist_import", SecurityEvent.outcome == "failure")
            .order_by(SecurityEvent.id.desc())
            .limit(10)
        )
    )
    return page(
        request, "hotlists.html", status=status, role=who.user.role, lists=_lists(db, at), failures=failures,
        form=form or {}, **{**_choices(), **extra},
    )  # fmt: skip


def _choices() -> dict[str, Any]:
    """What a list's settings form offers: categories in words (with their default priority), formats, colours."""
    return {
        "categories": [(c.value, category_words(c), CATEGORY_PRIORITY[c]) for c in Category],
        "sources": service.SOURCES, "formats": formats(), "colours": COLOURS, "sounds": SOUNDS,
        "category_words": category_words,
    }  # fmt: skip


COLOURS = ("red", "orange", "yellow", "blue", "purple")
SOUNDS = ("alarm", "chime", "silent")


def _settings(
    name: str, category: str, priority: str, covert: str, approximate: str, import_format: str, state_filter: str,
    alert_colour: str, alert_sound: str, source: str = "manual", watch_folder: str = "", import_every_minutes: str = "",
) -> HotListCreate:  # fmt: skip
    """A settings form as the API's shape (the same rules; a blank priority is the category's own)."""
    return HotListCreate.model_validate({
        "name": name, "source": source, "category": category, "priority": int(priority) if priority.isdigit() else None,
        "covert": covert == "on", "approximate": approximate == "on", "import_format": import_format or None,
        "state_filter": state_filter, "alert_colour": alert_colour, "alert_sound": alert_sound,
        "watch_folder": watch_folder,
        "import_every_minutes": import_every_minutes.strip() or 0,
    })  # fmt: skip


Text = Annotated[str, Form(max_length=200)]
Folder = Annotated[str, Form(max_length=400)]


@router.post("/hotlists", response_class=HTMLResponse)
def create_form(
    request: Request, who: Manager, db: DbDep, at: NowDep, name: Text = "", source: Text = "", category: Text = "",
    priority: Text = "", covert: Text = "", approximate: Text = "", import_format: Text = "", state_filter: Text = "",
    alert_colour: Text = "red", alert_sound: Text = "alarm", watch_folder: Folder = "", import_every_minutes: Text = "",
) -> Response:  # fmt: skip
    """A new list from the page, as `platewatch hotlist create` or the API makes one (its first version: created)."""
    form = dict(name=name, source=source, category=category, priority=priority, covert=covert, approximate=approximate,
                import_format=import_format, state_filter=state_filter, alert_colour=alert_colour,
                alert_sound=alert_sound, watch_folder=watch_folder,
                import_every_minutes=import_every_minutes)  # fmt: skip
    try:
        body = _settings(name, category, priority, covert, approximate, import_format, state_filter, alert_colour,
                         alert_sound, source, watch_folder, import_every_minutes)  # fmt: skip
        h = service.create_from(db, body, who.user.username, at)
    except ValidationError as exc:
        return _index(request, who, db, at, status=422, form=form, create_error=validation_message(exc))
    except service.HotListError as exc:
        db.rollback()
        return _index(request, who, db, at, status=422, form=form, create_error=exc.message)
    db.commit()
    return RedirectResponse(f"/hotlists/{h.id}?created=1", status_code=303)


@router.post("/hotlists/{list_id}/settings", response_class=HTMLResponse)
def settings_form(
    request: Request, list_id: RowId, who: Manager, db: DbDep, at: NowDep, name: Text = "", category: Text = "",
    priority: Text = "", covert: Text = "", approximate: Text = "", import_format: Text = "", state_filter: Text = "",
    alert_colour: Text = "red", alert_sound: Text = "alarm", watch_folder: Folder = "", import_every_minutes: Text = "",
) -> Response:  # fmt: skip
    """Change a list's settings: a new version whose note, in the list's versions, says what changed and who did."""
    hotlist = _known(db, list_id)
    try:
        body = _settings(name, category, priority, covert, approximate, import_format, state_filter, alert_colour,
                         alert_sound, "manual", watch_folder, import_every_minutes)  # fmt: skip
        note = changes.update_settings(db, hotlist, actor=who.user.username, now=at, **service.settings_from(body))
    except ValidationError as exc:
        return _detail(request, who, db, list_id, status=422, settings_error=validation_message(exc))
    except service.HotListError as exc:
        db.rollback()
        return _detail(request, who, db, list_id, status=422, settings_error=exc.message)
    db.commit()
    return _detail(request, who, db, list_id, notice=f"Settings changed: {note}" if note else "Nothing changed")


@router.post("/hotlists/{list_id}/retire", response_class=HTMLResponse)
def retire_form(
    request: Request, list_id: RowId, who: Manager, db: DbDep, at: NowDep,
    reason: Annotated[str, Form(max_length=400)] = "",
) -> Response:  # fmt: skip
    """Retire a list: its hits stop on the server and on units with its last (empty) version."""
    hotlist = _known(db, list_id)
    try:
        version = changes.retire(db, hotlist, actor=who.user.username, now=at, reason=reason)
    except service.HotListError as exc:
        db.rollback()
        return _detail(request, who, db, list_id, status=422, retire_error=exc.message)
    db.commit()
    return _detail(request, who, db, list_id, notice=f"Retired with version {version.id}: no more hits from it")


@router.post("/hotlists/{list_id}/delete", response_class=HTMLResponse)
def delete_form(request: Request, list_id: RowId, who: Manager, db: DbDep, at: NowDep) -> Response:
    """Delete a retired list no kept read or alert needs (order V.D.3); a refusal, with its reason, is a 409 page."""
    hotlist = _known(db, list_id)
    try:
        done = deletion.delete_list(db, hotlist, actor=who.user.username)
    except service.HotListError as exc:
        db.rollback()
        deletion.record_refusal(db, hotlist, who.user.username, exc.message)
        db.commit()
        return _detail(request, who, db, list_id, status=409, delete_error=exc.message)
    db.commit()
    notice = f"Hot list {done.name!r} deleted with its {done.versions} version(s)"
    return _index(request, who, db, at, notice=notice)


def _known(db: DbDep, list_id: int) -> HotList:
    try:
        return service.get_list(db, list_id)
    except service.HotListError as exc:
        raise ApiError(404, exc.code, exc.message) from exc


def _detail(
    request: Request, who: UserSession, db: DbDep, list_id: RowId, status: int = 200, **extra: object
) -> HTMLResponse:
    try:
        hotlist = service.get_list(db, list_id)
    except service.HotListError as exc:
        raise ApiError(404, exc.code, exc.message) from exc
    versions = list(
        db.scalars(
            select(HotListVersion).where(HotListVersion.hotlist_id == list_id).order_by(HotListVersion.id.desc())
        )
    )
    entries = service.stored_entries(db, versions[0].id) if versions else []
    entries.sort(key=lambda s: s.entry.key)
    if request.query_params.get("created") and "notice" not in extra:
        extra["notice"] = "Hot list created: import its file or add its entries below"
    return page(
        request, "hotlist.html", status=status, role=who.user.role, hotlist=hotlist, versions=versions,
        entries=entries[:500], entry_total=len(entries), **{**_choices(), **extra},
    )  # fmt: skip


@router.get("/hotlists/{list_id}", response_class=HTMLResponse)
def hotlist_page(request: Request, list_id: RowId, who: Viewer, db: DbDep) -> HTMLResponse:
    return _detail(request, who, db, list_id)


@router.post("/hotlists/{list_id}/entries", response_class=HTMLResponse)
def add_entry_form(
    request: Request,
    list_id: RowId,
    who: Entrant,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    plate: Annotated[str, Form(max_length=32)] = "",
    plate_state: Annotated[str, Form(max_length=8)] = "",
    category: Annotated[str, Form(max_length=32)] = "bolo",
    purpose: Annotated[str, Form(max_length=500)] = "",
    case_number: Annotated[str, Form(max_length=40)] = "",
    description: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        body = ManualEntryCreate.model_validate(
            {"plate": plate, "state": plate_state or None, "category": category, "purpose": purpose,
             "case_number": case_number, "description": description}
        )  # fmt: skip
        hotlist = service.get_list(db, list_id)
        version, retro = changes.add_manual_entry(
            db, state.matcher, state.settings, hotlist, body.to_entry(), actor=who.user.username, now=at
        )
    except ValidationError as exc:
        message = validation_message(exc)
        return _detail(request, who, db, list_id, status=422, entry_error=message, form=dict(request.query_params))
    except service.HotListError as exc:
        db.rollback()
        return _detail(request, who, db, list_id, status=422, entry_error=exc.message)
    db.commit()
    return _detail(
        request, who, db, list_id, notice=f"{body.plate} added (version {version.id}); {retro} historical alert(s)"
    )


@router.post("/hotlists/{list_id}/import", response_class=HTMLResponse)
async def import_form(
    request: Request,
    list_id: RowId,
    who: Manager,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form(max_length=32)] = "",
    encoding: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    data = await file.read()
    hotlist = service.get_list(db, list_id)
    try:
        imported = changes.import_file(
            db, state.matcher, state.settings, hotlist, data, format_name=format or None, encoding=encoding or None,
            filename=file.filename or "", actor=who.user.username, now=at,
        )  # fmt: skip
    except ImportRefused as exc:
        return _detail(request, who, db, list_id, status=422, import_error=exc.message, problems=exc.result.problems)
    except service.HotListError as exc:
        db.rollback()
        return _detail(request, who, db, list_id, status=422, import_error=exc.message, problems=())
    db.commit()
    outcome, retro = imported.outcome, imported.retro_alerts
    r = outcome.result
    notice = (
        f"Imported {len(r.entries)} entries as version {outcome.version.id} ({len(outcome.new_entries)} new, "
        f"{r.bad_lines} bad line(s) skipped, {retro} historical alert(s))"
    )
    return _detail(request, who, db, list_id, notice=notice, problems=r.problems)


@router.get("/hotlists-diff", response_class=HTMLResponse)
def diff_page(
    request: Request, who: Viewer, db: DbDep, from_version: Count = 0, to_version: Count | None = None
) -> HTMLResponse:
    old = service.snapshot(db, from_version) if from_version else None
    new = service.snapshot(db, to_version)
    added, removed = service.delta(old.entries if old else [], new.entries)
    return page(
        request, "hotlist_diff.html", role=who.user.role, added=added, removed=removed, from_version=from_version,
        to_version=new.version,
    )  # fmt: skip


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, ctx: QueueCtx, at: NowDep, state: StateDep, status: str = "") -> HTMLResponse:
    stmt = select(Alert).order_by(Alert.priority, Alert.id.desc())
    if status:
        stmt = stmt.where(Alert.status == status)
    if not sees_covert(ctx.role):
        stmt = stmt.where(Alert.covert.is_(False))
    rows = list(ctx.db.scalars(stmt.limit(200)))
    entry = ctx.record(len(rows))
    store = ImageStore(state.settings.image_dir)
    items = []
    for a, public in zip(rows, alerts_public(ctx.db, rows, at, entry.seq), strict=True):
        read = ctx.db.get(Read, a.read_id)
        items.append({"alert": public, "image": data_uri(store, read)})
    return page(
        request, "alerts.html", role=ctx.role, items=items, filter_status=status, seq=entry.seq,
        reject_reasons=[r.value for r in RejectReason], dispositions=[d.value for d in Disposition],
        category_words=category_words, lpr_subtype=state.settings.leas_lpr_subtype,
    )  # fmt: skip


def _back(status: str = "") -> RedirectResponse:
    return RedirectResponse("/alerts" + (f"?status={status}" if status else ""), status_code=303)


def _act(db: DbDep, alert_id: RowId, action: str, who: UserSession, at: NowDep, **kw: object) -> RedirectResponse:
    act_on_alert(db, alert_id, action, who, at, **kw)
    return _back()


@router.post("/alerts/{alert_id}/accept")
def accept(alert_id: RowId, who: Decider, db: DbDep, at: NowDep) -> RedirectResponse:
    return _act(db, alert_id, "accept", who, at)


@router.post("/alerts/{alert_id}/reject")
def reject(
    alert_id: RowId, who: Decider, db: DbDep, at: NowDep, reason: Annotated[RejectReason, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:  # fmt: skip
    return _act(db, alert_id, "reject", who, at, reason=reason, note=note)


@router.post("/alerts/{alert_id}/verify")
def verify(
    alert_id: RowId, who: Verifier, db: DbDep, at: NowDep, confirmed: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:  # fmt: skip
    return _act(db, alert_id, "verify", who, at, confirmed=confirmed == "yes", note=note)


@router.post("/alerts/{alert_id}/dispose")
def dispose(
    alert_id: RowId, who: Disposer, db: DbDep, at: NowDep, disposition: Annotated[Disposition, Form()],
    incident_number: Annotated[str, Form(max_length=40)] = "", leas_subtype: Annotated[str, Form(max_length=16)] = "",
) -> RedirectResponse:  # fmt: skip
    return _act(db, alert_id, "dispose", who, at, disposition=disposition, incident_number=incident_number,
                leas_subtype=leas_subtype)  # fmt: skip


@router.post("/alerts/{alert_id}/leas")
def document_in_leas(
    alert_id: RowId, who: Disposer, db: DbDep, at: NowDep, incident_number: Annotated[str, Form(max_length=40)] = "",
    leas_subtype: Annotated[str, Form(max_length=16)] = "",
) -> RedirectResponse:  # fmt: skip
    """The LEAS incident number of a stop, arrest or recovery recorded without it (order V.E.2f)."""
    _act(db, alert_id, "document", who, at, incident_number=incident_number, leas_subtype=leas_subtype)
    record_event(db, who.user.username, "alert_documented_in_leas", "success", f"alert {alert_id}")
    db.commit()
    return _back()
