"""Routes for logging in and out, one's own account, and the administration of users and units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts import service
from platewatch.server.accounts.models import Unit, User, UserSession
from platewatch.server.accounts.schemas import (
    EmailChange,
    EnrolmentConfirm,
    EnrolmentOffer,
    LoginRequest,
    LoginResponse,
    MfaReset,
    OneTimePassword,
    PasswordChange,
    PasswordChanged,
    RoleChange,
    RoleChanged,
    UnitCreate,
    UnitCreated,
    UnitPublic,
    UserCreate,
    UserCreated,
    UserPublic,
)
from platewatch.server.deployments import service as deployments
from platewatch.server.deps import DbDep, NowDep, PublicDep, StateDep, require
from platewatch.server.errors import ApiError

router = APIRouter(prefix="/api/v1", tags=["accounts"])

Own = Annotated[UserSession, Depends(require(Permission.VIEW_OWN_ACCOUNT))]
UserAdmin = Annotated[UserSession, Depends(require(Permission.MANAGE_USERS))]
UnitAdmin = Annotated[UserSession, Depends(require(Permission.MANAGE_UNITS))]


def user_public(u: User) -> UserPublic:
    return UserPublic(
        username=u.username,
        full_name=u.full_name,
        email=u.email,
        role=Role(u.role),
        active=u.active,
        mfa_enrolled=u.totp_secret is not None,
        must_change_password=u.must_change_password,
        max_sessions=u.max_sessions,
        created_at=u.created_at,
    )


def unit_public(u: Unit, approved_for: str) -> UnitPublic:
    """A unit; `approved_for` is its current deployment approval's site or vehicle (ADR 0016)."""
    return UnitPublic(id=u.id, name=u.name, kind=u.kind, approved_for=approved_for, active=u.active)


def do_login(db: DbDep, state: StateDep, at: NowDep, body: LoginRequest, request: Request) -> LoginResponse:
    """Log in; the request's user agent names the session, its address goes with each failure and lockout."""
    client, source = request.headers.get("user-agent", ""), request.client.host if request.client else ""
    try:
        result = service.login(db, body.username, body.password, body.totp, at, state.lockout, client, source)
    except service.AccountError as exc:
        db.commit()  # failures, counters and lockouts are recorded even though the login is refused
        raise ApiError(service.LOGIN_STATUS.get(exc.code, 401), exc.code, exc.message) from exc
    db.commit()
    return LoginResponse(
        token=result.token,
        username=result.session.user.username,
        role=Role(result.session.user.role),
        idle_minutes=state.settings.session_idle_minutes,
        ended_sessions=result.ended_sessions,
        must_change_password=result.session.user.must_change_password,
    )


@router.post("/auth/login", response_model=LoginResponse, summary="Log in with password and TOTP code")
def login(body: LoginRequest, request: Request, db: DbDep, state: StateDep, at: NowDep, _: PublicDep) -> LoginResponse:
    return do_login(db, state, at, body, request)


@router.post("/auth/logout", summary="End this session")
def logout(session: Own, db: DbDep, at: NowDep) -> dict[str, str]:
    service.logout(db, session, at)
    db.commit()
    return {"status": "logged out"}


@router.get("/me", response_model=UserPublic, summary="Who am I")
def me(session: Own) -> UserPublic:
    return user_public(session.user)


@router.post("/me/password", response_model=PasswordChanged, summary="Change my password (ends my other sessions)")
def change_password(body: PasswordChange, session: Own, db: DbDep, state: StateDep, at: NowDep) -> PasswordChanged:
    try:
        ended = service.change_password(db, session, body.current_password, body.new_password, at, state.lockout)
    except service.AccountError as exc:
        db.commit()  # keep the recorded failure
        raise ApiError(422, exc.code, exc.message) from exc
    db.commit()
    return PasswordChanged(ended_sessions=ended)


@router.post("/me/authenticator", response_model=EnrolmentOffer, summary="The secret to put in my authenticator app")
def offer_authenticator(session: Own, db: DbDep, state: StateDep) -> EnrolmentOffer:
    try:
        uri = service.enrolment_uri(session.user, state.settings.agency_name)
    except service.AccountError as exc:
        raise ApiError(409, exc.code, exc.message) from exc
    db.commit()
    return EnrolmentOffer(totp_uri=uri)


@router.post(
    "/me/authenticator/confirm", response_model=UserPublic, summary="Confirm my authenticator with a current code"
)
def confirm_authenticator(body: EnrolmentConfirm, session: Own, db: DbDep, at: NowDep) -> UserPublic:
    try:
        service.confirm_enrolment(db, session.user, body.otp, at)
    except service.AccountError as exc:
        raise ApiError(422 if exc.code == "bad_code" else 409, exc.code, exc.message) from exc
    db.commit()
    return user_public(session.user)


@router.get("/users", response_model=list[UserPublic], summary="All accounts")
def list_users(_: UserAdmin, db: DbDep) -> list[UserPublic]:
    return [user_public(u) for u in db.scalars(select(User).order_by(User.username))]


@router.post("/users", response_model=UserCreated, status_code=201, summary="Create an account")
def create_user(body: UserCreate, admin: UserAdmin, db: DbDep, state: StateDep) -> UserCreated:
    try:
        new = service.create_user(
            db, body.username, body.role, full_name=body.full_name, email=body.email, actor=admin.user.username,
            issuer=state.settings.agency_name,
        )  # fmt: skip
    except service.AccountError as exc:
        raise ApiError(409 if exc.code == "username_taken" else 422, exc.code, exc.message) from exc
    db.commit()
    return UserCreated(user=user_public(new.user), one_time_password=new.password, totp_uri=new.totp_uri)


@router.post("/users/{username}/disable", response_model=UserPublic, summary="Disable an account")
def disable_user(username: str, admin: UserAdmin, db: DbDep, at: NowDep) -> UserPublic:
    try:
        service.disable_user(db, username, admin.user.username, at)
    except service.AccountError as exc:
        raise ApiError(404, exc.code, exc.message) from exc
    db.commit()
    return user_public(service.get_user(db, username))


@router.post("/users/{username}/password", response_model=OneTimePassword, summary="Issue a one-time password")
def issue_password(username: str, admin: UserAdmin, db: DbDep, at: NowDep) -> OneTimePassword:
    try:
        password = service.issue_one_time_password(db, username, admin.user.username, at)
    except service.AccountError as exc:
        raise ApiError(404, exc.code, exc.message) from exc
    db.commit()
    return OneTimePassword(username=username, one_time_password=password)


@router.post(
    "/users/{username}/email",
    response_model=UserPublic,
    summary="Set where a person's notices are sent",
    description="A supervisor gets by e-mail the notices about the units and people of their command (order V.E.2g), "
    "besides the addresses the server's settings name; an empty address sends them none.",
)
def change_email(username: str, body: EmailChange, admin: UserAdmin, db: DbDep) -> UserPublic:
    try:
        user = service.set_email(db, username, body.email, admin.user.username)
    except service.AccountError as exc:
        raise ApiError(404 if exc.code == "no_such_user" else 422, exc.code, exc.message) from exc
    db.commit()
    return user_public(user)


@router.post("/users/{username}/role", response_model=RoleChanged, summary="Give an account another role")
def change_role(
    username: str, body: RoleChange, admin: UserAdmin, db: DbDep, state: StateDep, at: NowDep
) -> RoleChanged:
    try:
        password = service.change_role(db, username, body.role, admin.user.username, at)
    except service.AccountError as exc:
        raise ApiError(service.ROLE_CHANGE_STATUS[exc.code], exc.code, exc.message) from exc
    db.commit()
    return RoleChanged(user=user_public(service.get_user(db, username)), one_time_password=password)


@router.post("/users/{username}/reset-mfa", response_model=MfaReset, summary="Remove the authenticator (a lost phone)")
def reset_mfa(username: str, admin: UserAdmin, db: DbDep, at: NowDep) -> MfaReset:
    try:
        password = service.reset_mfa(db, username, admin.user.username, at)
    except service.AccountError as exc:
        raise ApiError(404, exc.code, exc.message) from exc
    db.commit()
    return MfaReset(username=username, one_time_password=password)


@router.get("/units", response_model=list[UnitPublic], summary="All units")
def list_units(_: UnitAdmin, db: DbDep, at: NowDep) -> list[UnitPublic]:
    sites = deployments.current_sites(db, at)
    return [unit_public(u, sites.get(u.id, "")) for u in db.scalars(select(Unit).order_by(Unit.name))]


@router.post("/units", response_model=UnitCreated, status_code=201, summary="Register a unit")
def create_unit(body: UnitCreate, admin: UnitAdmin, db: DbDep, at: NowDep) -> UnitCreated:
    if body.approved_for.strip() and not allows(Role(admin.user.role), Permission.APPROVE_DEPLOYMENTS):
        raise ApiError(403, "forbidden", "approved_for: only the Program Administrator approves where a unit is used "
                       "(order V.A.2); add the unit without it")  # fmt: skip
    try:
        unit, token = service.create_unit(db, body.name, body.kind, body.approved_for, admin.user.username, at)
    except service.AccountError as exc:
        raise ApiError(409 if exc.code == "unit_exists" else 422, exc.code, exc.message) from exc
    db.commit()
    return UnitCreated(unit=unit_public(unit, body.approved_for.strip()), token=token)


@router.post("/units/{name}/revoke", summary="Revoke every token of a unit")
def revoke_unit(name: str, admin: UnitAdmin, db: DbDep, at: NowDep) -> dict[str, int]:
    try:
        n = service.revoke_unit(db, name, admin.user.username, at)
    except service.AccountError as exc:
        raise ApiError(404, exc.code, exc.message) from exc
    db.commit()
    return {"revoked": n}
