"""Web pages. They use the same dependencies as the API: permissions and the query log are not optional."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from platewatch.domain.content_policy import HEADER as CSP_HEADER
from platewatch.domain.content_policy import content_policy, new_nonce
from platewatch.domain.local_time import as_utc, shown, shown_day, zone
from platewatch.domain.log_pages import ACTIONS, OUTCOMES, FilterError, log_filter, parse_cursor
from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import UserSession
from platewatch.server.accounts.routes import do_login
from platewatch.server.accounts.schemas import LoginRequest
from platewatch.server.accounts.service import logout as end_session
from platewatch.server.accounts.service import record_event
from platewatch.server.deps import (
    SERVED,
    SESSION_COOKIE,
    DbDep,
    NowDep,
    PublicDep,
    QueryContext,
    StateDep,
    query_logged,
    require,
)
from platewatch.server.errors import ApiError
from platewatch.server.querylog import service as querylog
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from platewatch.server.search import service as search
from platewatch.server.search.params import SearchQueryDep
from platewatch.server.search.routes import SearchCtx
from platewatch.server.supervision import scope
from platewatch.server.unit_shifts.service import on_shift
from platewatch.server.web.menu import menu_groups, offered
from platewatch.server.web.qr_codes import qr_svg
from platewatch.server.web.search_forms import area_choices, export_query

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["menu_groups"] = menu_groups

Searcher = Annotated[UserSession, Depends(require(Permission.SEARCH_READS))]
Own = Annotated[UserSession, Depends(require(Permission.VIEW_OWN_ACCOUNT))]
LogViewer = Annotated[UserSession, Depends(require(Permission.VIEW_QUERY_LOG))]
ChainVerifier = Annotated[UserSession, Depends(require(Permission.VERIFY_QUERY_LOG))]
ViewCtx = Annotated[QueryContext, Depends(query_logged(Action.VIEW_READ, Permission.SEARCH_READS))]


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template; with `role` in the context, `can.<permission>` drives what the page offers (nothing for a
    `user` who must change a one-time password first: only their account answers them). Templates show times with
    `when(t)` (the agency's local time and zone, `seconds=True` for seconds) and days with `day(t)`."""
    state = request.app.state.platewatch
    context.setdefault("agency", state.settings.agency_name)
    tz = zone(state.settings.time_zone)
    context["tz_name"] = state.settings.time_zone
    context["when"] = lambda value, seconds=False, empty="": _time(value, tz, seconds, empty)
    context["day"] = lambda value, empty="": shown_day(value, tz, empty)
    role, user = context.get("role"), context.get("user")
    must_change = user is not None and user.must_change_password
    context["can"] = offered(None if role is None else Role(role), must_change)
    context["csp_nonce"] = nonce = new_nonce()
    context["served"] = getattr(request.state, SERVED, None)  # a standby skipped, or how old its answer may be
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers[CSP_HEADER] = content_policy(nonce, state.settings.map_tiles_url)
    return response


def _time(value: dt.datetime | str | None, tz: ZoneInfo, seconds: bool, empty: str) -> Markup | str:
    """`<time datetime="UTC ISO">local time and zone</time>`: one unbroken line on the page (`time` does not wrap).
    An ISO string (an API model's time, as the alert queue carries it) is read first."""
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return Markup('<time datetime="{}">{}</time>').format(as_utc(value).isoformat(), shown(value, tz, seconds))


def form_time(value: str, tz: ZoneInfo, field: str | None = None) -> dt.datetime | None:
    """A form's `datetime-local` value (no zone: the agency's, as the page says) in UTC; None when left empty. A value
    that is no date and time is a 400 naming `field` when given."""
    if not value.strip():
        return None
    try:
        given = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        named = f"{field}: " if field else ""
        raise ApiError(400, "invalid_form", f"{named}not a date and time ({value[:40]!r})") from None
    return given.astimezone(dt.UTC) if given.tzinfo else given.replace(tzinfo=tz).astimezone(dt.UTC)


def data_uri(store: ImageStore, read: Read | None, kind: str = "plate") -> str | None:
    """A read's plate (or vehicle) image as a data URI, found by the read's day and digest."""
    if read is None:
        return None
    data = store.of_read(read.captured_at, read.plate_image if kind == "plate" else read.vehicle_image)
    return "data:image/jpeg;base64," + base64.b64encode(data).decode() if data else None


LANDING = (
    (Permission.SEARCH_READS, "/search"),
    (Permission.VIEW_ALERTS, "/alerts"),
    (Permission.VIEW_QUERY_LOG, "/querylog"),
)


def landing_page(role: Role) -> str:
    """The first page a role can use."""
    return next((path for perm, path in LANDING if allows(role, perm)), "/account")


@router.get("/", summary="Home")
def home(_: PublicDep) -> RedirectResponse:
    return RedirectResponse("/search", status_code=303)


@router.get("/favicon.ico", summary="The pages' icon")
def favicon(_: PublicDep) -> FileResponse:
    """The icon a browser asks for on every page (from the package's static files: no 404 in the server's log)."""
    icon = Path(__file__).parent / "static" / "favicon.ico"
    return FileResponse(icon, media_type="image/vnd.microsoft.icon", headers={"Cache-Control": "max-age=86400"})


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, _: PublicDep, next: str = "/search") -> HTMLResponse:
    return page(request, "login.html", next=next if next.startswith("/") else "/search")


@router.post("/login")
def login_submit(
    request: Request,
    db: DbDep,
    state: StateDep,
    at: NowDep,
    _: PublicDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    totp: Annotated[str, Form(max_length=12)] = "",
    next: Annotated[str, Form(max_length=200)] = "/search",
) -> Response:
    try:
        result = do_login(
            db, state, at, LoginRequest(username=username or "?", password=password or "?", totp=totp), request
        )
    except ApiError as exc:
        return page(request, "login.html", status=exc.status, error=exc.message, username=username, next=next)
    target = next if next.startswith("/") and not next.startswith("//") else ""
    if target in ("", "/", "/search"):
        target = landing_page(result.role)
    if result.must_change_password:
        target = "/account"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, result.token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.post("/logout")
def logout(session: Own, db: DbDep, at: NowDep) -> RedirectResponse:
    end_session(db, session, at)
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: Own, db: DbDep, state: StateDep) -> HTMLResponse:
    changed = request.query_params.get("changed")
    return account_page(request, session, db, state, changed=changed)


def account_page(
    request: Request, session: UserSession, db: DbDep, state: StateDep, status: int = 200, **context: Any
) -> HTMLResponse:
    """The person's account; one who holds a one-time password and needs an authenticator is offered its secret
    first (the same until they confirm a code), and chooses a password after."""
    user, offer = session.user, None
    if accounts.enrolment_due(user):
        uri = accounts.enrolment_uri(user, state.settings.agency_name)
        db.commit()
        offer = {"secret": user.pending_totp_secret, "qr": qr_svg(uri)}
    return page(request, "account.html", status, user=user, role=user.role, offer=offer, **context)


@router.post("/account/authenticator", response_class=HTMLResponse)
def enrol_authenticator(
    request: Request,
    session: Own,
    db: DbDep,
    state: StateDep,
    at: NowDep,
    otp: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """The person confirms their new authenticator with a current code from it."""
    try:
        accounts.confirm_enrolment(db, session.user, otp, at)
    except accounts.AccountError as exc:
        if exc.code != "already_enrolled":  # a second click of the button: it is done
            return account_page(request, session, db, state, status=400, enrol_error=exc.message)
    db.commit()
    return RedirectResponse("/account?enrolled=1", status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    session: Own,
    db: DbDep,
    state: StateDep,
    at: NowDep,
    current_password: Annotated[str, Form(max_length=200)] = "",
    new_password: Annotated[str, Form(max_length=200)] = "",
    repeat_password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The person's own password; a one-time password's holder lands on their first page once it is changed."""
    user = session.user
    first = user.must_change_password
    if new_password != repeat_password:
        return account_page(request, session, db, state, 400, error="the new password and its repetition differ")
    try:
        ended = accounts.change_password(db, session, current_password, new_password, at, state.lockout)
    except accounts.AccountError as exc:
        db.commit()  # keep the recorded failure
        return account_page(request, session, db, state, 400, error=exc.message)
    db.commit()
    target = landing_page(Role(user.role)) if first else "/account"
    return RedirectResponse(f"{target}?changed={ended}" if target == "/account" else target, status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_form(request: Request, session: Searcher, db: DbDep) -> HTMLResponse:
    asked = request.query_params  # a data request's page opens the form with its number, case and purpose filled in
    form = {k: asked[k] for k in ("request", "purpose", "case_number", "area") if k in asked}
    return page(
        request, "search.html", user=session.user, form=form, results=None, role=session.user.role,
        areas=area_choices(db),
    )  # fmt: skip


@router.get("/search/results", response_class=HTMLResponse)
def search_results(request: Request, ctx: SearchCtx, query: SearchQueryDep, state: StateDep) -> HTMLResponse:
    rows, next_cursor = ctx.read(lambda db: search.run(db, query))
    officers = ctx.read(lambda db: on_shift(db, [r for r, _ in rows]))
    entry = ctx.record(len(rows))
    store = ImageStore(state.settings.image_dir)
    results = [{"read": r, "unit": u, "image": data_uri(store, r), "officer": officers[r.id]} for r, u in rows]
    form = dict(request.query_params)
    next_url = None
    if next_cursor:
        params = {k: v for k, v in form.items() if k != "cursor"}
        params["cursor"] = next_cursor
        next_url = "/search/results?" + "&".join(f"{k}={v}" for k, v in params.items())
    return page(
        request, "search.html", user=None, form=form, results=results, seq=entry.seq, next_url=next_url,
        purpose=ctx.purpose, case_number=ctx.case_number, role=ctx.role, areas=area_choices(ctx.db),
        export_query=export_query(request, entry.seq),
    )  # fmt: skip


@router.get("/reads/{read_id}", response_class=HTMLResponse)
def read_detail(request: Request, read_id: uuid.UUID, ctx: ViewCtx, state: StateDep) -> HTMLResponse:
    row = search.get_read(ctx.db, read_id)
    if row is None:
        raise ApiError(404, "not_found", f"no read {read_id}")
    officer = on_shift(ctx.db, [row[0]])[row[0].id]
    entry = ctx.record(1)
    store = ImageStore(state.settings.image_dir)
    read, unit = row
    return page(
        request, "read.html", read=read, unit=unit, officer=officer, seq=entry.seq, purpose=ctx.purpose,
        case_number=ctx.case_number, plate_image=data_uri(store, read), role=ctx.role,
        vehicle_image=data_uri(store, read, "vehicle"), lpr_subtype=state.settings.leas_lpr_subtype,
    )  # fmt: skip


@router.get("/querylog", response_class=HTMLResponse)
def querylog_page(
    request: Request,
    session: LogViewer,
    db: DbDep,
    state: StateDep,
    username: Annotated[str, Query(max_length=64)] = "",
    purpose: Annotated[str, Query(max_length=500)] = "",
    case_number: Annotated[str, Query(max_length=40)] = "",
    action: Annotated[str, Query(max_length=32)] = "",
    outcome: Annotated[str, Query(max_length=16)] = "",
    from_date: Annotated[str, Query(max_length=10)] = "",
    to_date: Annotated[str, Query(max_length=10)] = "",
    cursor: Annotated[str, Query(max_length=30)] = "",
) -> HTMLResponse:
    """The log, a page at a time, newest first, narrowed by the form; a filter it cannot use is said on the page."""
    form = {"username": username, "purpose": purpose, "case_number": case_number, "action": action,
            "outcome": outcome, "from_date": from_date, "to_date": to_date}  # fmt: skip
    can_verify = allows(Role(session.user.role), Permission.VERIFY_QUERY_LOG)
    mine = scope.scope_for(db, session.user)
    context: dict[str, Any] = {"form": form, "actions": ACTIONS, "outcomes": OUTCOMES, "can_verify": can_verify,
                               "role": session.user.role, "filters": {k: v for k, v in form.items() if v},
                               "scope_note": scope.log_scope_note(mine.command, session.user.role)}  # fmt: skip
    try:
        criteria = log_filter(zone(state.settings.time_zone), username=username, purpose=purpose,
                              case_number=case_number, action=action, outcome=outcome, from_date=from_date,
                              to_date=to_date)  # fmt: skip
        found = querylog.page(db, criteria, parse_cursor(cursor), people=scope.people_in(db, mine))
    except FilterError as exc:
        return page(request, "querylog.html", status=400, error=str(exc), rows=[], older=None, newer=None, **context)
    record_event(db, session.user.username, "querylog_viewed", "success",
                 querylog.accessed(len(found.rows), criteria.described(), cursor, " (web)"))  # fmt: skip
    db.commit()
    return page(request, "querylog.html", rows=found.rows, older=found.older, newer=found.newer, error=None, **context)


@router.get("/querylog/verify", response_class=HTMLResponse)
def querylog_verify_page(request: Request, session: ChainVerifier, db: DbDep) -> HTMLResponse:
    """The hash chain's check as a page (the same check as `GET /api/v1/querylog/verify`, recorded the same way)."""
    count, problems = querylog.verify(db)
    record_event(db, session.user.username, "querylog_verified", "success" if not problems else "failure", "(web)")
    db.commit()
    return page(
        request, "querylog_verify.html", rows_checked=count, problems=problems, role=session.user.role,
    )  # fmt: skip
