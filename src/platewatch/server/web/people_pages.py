"""The People page (order V.B.1e): the Program Administrator creates accounts, disables them, changes roles and
issues one-time passwords (shown once), also to set up a new authenticator, which the person enrols themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, TypeVar
from urllib.parse import quote_plus

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, or_, select

from platewatch.domain.local_time import day_start, zone
from platewatch.domain.roles import Permission, Role
from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import User, UserSession
from platewatch.server.areas import service as areas
from platewatch.server.areas.schemas import RestrictionSet
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.errors import ApiError
from platewatch.server.training import service as training
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
Admin = Annotated[UserSession, Depends(require(Permission.MANAGE_USERS))]


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request,
    who: Admin,
    db: DbDep,
    at: NowDep,
    q: Annotated[str, Query(max_length=64)] = "",
    role: Annotated[str, Query(max_length=32)] = "",
    account: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    """Every account, or those whose user name or full name holds `q`, of a role, active or disabled (the form sends
    an empty value for "any"): a county's program has hundreds."""
    roles = [r.value for r in Role]
    if role and role not in roles:
        raise ApiError(422, "invalid_filter", f"role: {role[:32]!r} is not one of {', '.join(roles)}")
    if account not in ("", "active", "disabled"):
        raise ApiError(422, "invalid_filter", f"account: {account[:16]!r} is not active or disabled")
    stmt = select(User).order_by(User.username)
    if q.strip():
        said = q.strip().lower()  # `%` and `_` typed in a name are letters, not wildcards
        stmt = stmt.where(
            or_(
                func.lower(User.username).contains(said, autoescape=True),
                func.lower(User.full_name).contains(said, autoescape=True),
            )
        )
    if role:
        stmt = stmt.where(User.role == role)
    if account:
        stmt = stmt.where(User.active.is_(account == "active"))
    users = list(db.scalars(stmt))
    total = db.scalar(select(func.count()).select_from(User)) or 0
    standing = {p.username: p.status for p in training.roster(db, at.date())}
    return page(
        request, "people.html", users=users, total=total, standing=standing, roles=list(Role), role=who.user.role,
        locks=accounts.locks(db, users, at), restrictions=areas.all_restrictions(db), areas=areas.listed(db),
        me=who.user.username, done=request.query_params.get("done", ""),
        filters={"q": q.strip(), "role": role, "account": account},
    )  # fmt: skip


@router.post("/people", response_class=HTMLResponse)
def create_person(
    request: Request,
    who: Admin,
    db: DbDep,
    state: StateDep,
    username: Annotated[str, Form(max_length=64)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
) -> HTMLResponse:
    try:
        new = accounts.create_user(
            db, username, _form_role(role), full_name=full_name.strip(), email=email, actor=who.user.username,
            issuer=state.settings.agency_name,
        )  # fmt: skip
    except accounts.AccountError as exc:
        raise ApiError(409 if exc.code == "username_taken" else 400, exc.code, exc.message) from exc
    db.commit()
    enrol = accounts.lacks_authenticator(new.user)
    return _secret(request, who, new.user.username, "Account created", new.password, enrol=enrol)


@router.post("/people/restriction")
def restrict_person(
    who: Admin,
    db: DbDep,
    at: NowDep,
    state: StateDep,
    username: Annotated[str, Form(max_length=64)] = "",
    area: Annotated[list[str] | None, Form(max_length=80)] = None,
    captured_from: Annotated[str, Form(max_length=10)] = "",
    through: Annotated[str, Form(max_length=10)] = "",
    newer_than_days: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:
    """Limit a person to saved areas and a time window (order IV.B.4): days are the agency's, `through` inclusive."""
    tz = zone(state.settings.time_zone)
    try:
        start = day_start(dt.date.fromisoformat(captured_from), tz) if captured_from else None
        end = day_start(dt.date.fromisoformat(through) + dt.timedelta(days=1), tz) if through else None
        days = int(newer_than_days) if newer_than_days.strip() else None
        body = RestrictionSet(areas=area or [], captured_from=start, captured_until=end, newer_than_days=days)
    except ValueError as exc:
        raise ApiError(400, "invalid_form", f"a date (YYYY-MM-DD) or a number of days is not one: {exc}") from exc
    areas.set_restriction(db, username, body, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/people?done={username}+restricted", status_code=303)


@router.post("/people/{username}/restriction/lift")
def lift_restriction(username: str, who: Admin, db: DbDep) -> RedirectResponse:
    areas.clear_restriction(db, username, who.user.username)
    db.commit()
    return RedirectResponse(f"/people?done={username}+no+longer+restricted", status_code=303)


@router.post("/people/email")
def set_email(
    who: Admin,
    db: DbDep,
    username: Annotated[str, Form(max_length=64)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
) -> RedirectResponse:
    """Where a person's notices are sent (a supervisor gets those about their command: order V.E.2g)."""
    try:
        accounts.set_email(db, username, email, who.user.username)
    except accounts.AccountError as exc:
        raise ApiError(404 if exc.code == "no_such_user" else 400, exc.code, exc.message) from exc
    db.commit()
    said = f"notices+to+{quote_plus(email.strip())}" if email.strip() else "no+notices+by+e-mail"
    return RedirectResponse(f"/people?done={quote_plus(username)}:+{said}", status_code=303)


@router.post("/people/{username}/disable")
def disable_person(username: str, who: Admin, db: DbDep, at: NowDep) -> RedirectResponse:
    if username == who.user.username:
        raise ApiError(400, "own_account", "you cannot disable your own account here")
    _known(lambda: accounts.disable_user(db, username, who.user.username, at))
    db.commit()
    return RedirectResponse(f"/people?done={username}+disabled", status_code=303)


@router.post("/people/{username}/password", response_class=HTMLResponse)
def new_password(request: Request, username: str, who: Admin, db: DbDep, at: NowDep) -> HTMLResponse:
    password = _known(lambda: accounts.issue_one_time_password(db, username, who.user.username, at))
    db.commit()
    return _secret(request, who, username, "New one-time password", password)


@router.post("/people/{username}/authenticator", response_class=HTMLResponse)
def new_authenticator(request: Request, username: str, who: Admin, db: DbDep, at: NowDep) -> HTMLResponse:
    password = _known(lambda: accounts.reset_mfa(db, username, who.user.username, at))
    db.commit()
    return _secret(request, who, username, "Authenticator removed", password, enrol=True)


@router.post("/people/{username}/role", response_class=HTMLResponse)
def change_role(
    request: Request,
    username: str,
    who: Admin,
    db: DbDep,
    at: NowDep,
    role: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        password = accounts.change_role(db, username, _form_role(role), who.user.username, at)
    except accounts.AccountError as exc:
        raise ApiError(accounts.ROLE_CHANGE_STATUS[exc.code], exc.code, exc.message) from exc
    db.commit()
    if password:
        return _secret(request, who, username, f"Now {role}", password, enrol=True)
    return RedirectResponse(f"/people?done={username}+is+now+{role}", status_code=303)


def _form_role(value: str) -> Role:
    """The role a form names; a 400 listing the roles otherwise."""
    if value not in {r.value for r in Role}:
        raise ApiError(400, "invalid_form", f"role: choose one of {', '.join(r.value for r in Role)}")
    return Role(value)


def _known(action: Callable[[], T]) -> T:
    """The action's result; an unknown account as a 404."""
    try:
        return action()
    except accounts.AccountError as exc:
        raise ApiError(404, exc.code, exc.message) from exc


def _secret(
    request: Request, who: UserSession, username: str, title: str, password: str, enrol: bool = False
) -> HTMLResponse:
    """The one-time password, shown once; `enrol`: with it the person also sets up their authenticator."""
    return page(
        request, "people_secret.html", title=title, username=username, password=password, enrol=enrol,
        role=who.user.role,
    )  # fmt: skip
