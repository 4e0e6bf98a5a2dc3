"""Account rules applied to the database: create users and units, log in, check sessions and tokens.

Functions take an open Session and never commit: the caller's transaction decides.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from platewatch.domain.access_rules import (
    LockoutPolicy,
    SessionPolicy,
    after_failure,
    is_locked,
    session_end_reason,
    sessions_to_end,
)
from platewatch.domain.notices import address_problem
from platewatch.domain.roles import Role, requires_mfa
from platewatch.server.accounts import security
from platewatch.server.accounts.models import SecurityEvent, Unit, UnitToken, User, UserSession
from platewatch.server.unit_shifts.models import UnitShift

log = logging.getLogger(__name__)


LOGIN_STATUS = {"bad_credentials": 401, "mfa_not_enrolled": 403}
"""HTTP status of each refused log-in (the web login and the unit's log-on answer alike)."""

ROLE_CHANGE_STATUS = {"own_account": 400, "no_such_user": 404, "same_role": 409}
"""HTTP status of each refused role change (the API and the People page answer alike)."""


class AccountError(Exception):
    """A refused account operation; `code` is stable for clients, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class NewUser:
    user: User
    password: str  # shown once when generated
    totp_uri: str | None


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    session: UserSession
    ended_sessions: int


BAD_CREDENTIALS = "wrong username, password or code"
"""What every refused log-in says, to a wrong password, an unknown name and a locked account alike (the People page
tells administrators which accounts are locked, and from where)."""


def record_event(db: Session, username: str, event: str, outcome: str, detail: str = "", actor: str = "") -> None:
    db.add(SecurityEvent(username=username, event=event, outcome=outcome, detail=detail, actor=actor))


def create_user(
    db: Session,
    username: str,
    role: Role,
    *,
    full_name: str = "",
    email: str = "",
    password: str | None = None,
    actor: str = "system",
    issuer: str = "PlateWatch",
) -> NewUser:
    username = username.strip()
    if not username or len(username) > 64 or not all(ch.isalnum() or ch in "._-" for ch in username):
        raise AccountError("bad_username", "username: use 1-64 letters, digits, '.', '_' or '-'")
    email = _checked_email(email)
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError("username_taken", f"user {username!r} already exists")
    generated = password is None
    pw = security.generate_one_time_password() if password is None else password
    if not generated:
        try:
            security.check_password_strength(pw, username)
        except security.WeakPasswordError as exc:
            raise AccountError("weak_password", str(exc)) from exc
    # A generated password is handed over in person and is one-time: its holder enrols their own authenticator at
    # the first log-in, so nobody else ever sees its secret. A chosen password (the bootstrap administrator's) is
    # not one-time, so that account gets its secret here.
    secret = security.new_totp_secret() if requires_mfa(role) and not generated else None
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role.value,
        password_hash=security.hash_password(pw),
        totp_secret=secret,
        must_change_password=generated,
    )
    db.add(user)
    db.flush()
    record_event(db, username, "user_created", "success", f"role={role.value}", actor)
    uri = security.totp_uri(secret, username, issuer) if secret else None
    return NewUser(user, pw, uri)


def get_user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError("no_such_user", f"no user named {username!r}")
    return user


def _checked_email(email: str) -> str:
    """A person's e-mail address as stored (trimmed; "" for none), or AccountError naming what is wrong."""
    email = email.strip()
    if (problem := address_problem(email)) is not None:
        raise AccountError("bad_email", problem)
    return email


def set_email(db: Session, username: str, email: str, actor: str) -> User:
    """Where `username`'s notices are sent ("" for nowhere); the change is a security event."""
    user = get_user(db, username)
    email = _checked_email(email)
    if email != user.email:
        user.email = email
        record_event(db, username, "email_changed", "success", "e-mail removed" if not email else "e-mail set", actor)
    return user


def disable_user(db: Session, username: str, actor: str, now: dt.datetime) -> None:
    user = get_user(db, username)
    user.active = False
    user.disabled_at = now
    for s in _open_sessions(db, user.id):
        s.ended_at, s.end_reason = now, "disabled"
    shifts = _end_unit_shifts(db, select(UnitShift).where(UnitShift.username == username), now, "disabled")
    record_event(db, username, "user_disabled", "success", shifts, actor)


def change_role(db: Session, username: str, role: Role, actor: str, now: dt.datetime) -> str | None:
    """Give the person another role: their sessions end (what they may do changed). A role that sees read data
    needs a second factor: a person without one gets a one-time password (returned, shown once) with which they
    enrol their authenticator at the next log-in; None otherwise."""
    if username == actor:
        raise AccountError("own_account", "another administrator changes your role")
    user = get_user(db, username)
    if user.role == role.value:
        raise AccountError("same_role", f"{username} already has the role {role.value}")
    before, user.role = user.role, role.value
    for s in _open_sessions(db, user.id):
        s.ended_at, s.end_reason = now, "role_changed"
    shifts = _end_unit_shifts(db, select(UnitShift).where(UnitShift.username == username), now, "role_changed")
    password = _one_time_password(db, user, now) if lacks_authenticator(user) else None  # the new role's need
    enrol = "one-time password issued to enrol an authenticator" if password else ""
    record_event(db, username, "role_changed", "success", _detail(f"{before} -> {role.value}", shifts, enrol), actor)
    return password


def reset_mfa(db: Session, username: str, actor: str, now: dt.datetime) -> str:
    """A lost or replaced phone: the authenticator is removed and a one-time password issued (returned, shown once);
    with it the person enrols a new authenticator at the next log-in. Their sessions end."""
    user = get_user(db, username)
    password = _one_time_password(db, user, now)
    user.totp_secret, user.pending_totp_secret, user.last_totp_step = None, None, 0
    record_event(db, username, "mfa_reset", "success", "authenticator removed; one-time password issued", actor)
    return password


def lacks_authenticator(user: User) -> bool:
    """The person's role needs a TOTP second factor (it sees read data) and they have none yet."""
    return user.totp_secret is None and requires_mfa(Role(user.role))


def enrolment_due(user: User) -> bool:
    """The person logged in with a one-time password and must set up the authenticator their role needs first."""
    return lacks_authenticator(user) and user.must_change_password


def enrolment_uri(user: User, issuer: str = "PlateWatch") -> str:
    """The authenticator secret offered to the person (the same one until they confirm it), as an otpauth URI.
    Only a person without an authenticator who logged in with a one-time password may enrol one."""
    _enrolment_open(user)
    if user.pending_totp_secret is None:
        user.pending_totp_secret = security.new_totp_secret()
    return security.totp_uri(user.pending_totp_secret, user.username, issuer)


def confirm_enrolment(db: Session, user: User, code: str, now: dt.datetime) -> None:
    """The person proves the authenticator works with a current code from it; it is their second factor from now."""
    _enrolment_open(user)
    if user.pending_totp_secret is None:
        raise AccountError("no_secret_offered", "ask for the secret first (your account page shows it)")
    step = security.totp_step(code.strip(), user.pending_totp_secret, 0, now.timestamp())
    if step is None:
        raise AccountError("bad_code", "that code does not match: check the phone's time and type the current code")
    user.totp_secret, user.pending_totp_secret, user.last_totp_step = user.pending_totp_secret, None, step
    record_event(db, user.username, "mfa_enrolled", "success", "by the person")


def _enrolment_open(user: User) -> None:
    if user.totp_secret is not None:
        raise AccountError("already_enrolled", "your authenticator is already set up; an administrator can reset it")
    if not user.must_change_password:
        raise AccountError(
            "enrolment_closed", "an authenticator is set up with a one-time password: ask an administrator for one"
        )


def set_password(db: Session, username: str, password: str, actor: str, now: dt.datetime) -> None:
    """An administrator sets a password (the CLI): the person must change it at their next log-in, and their
    sessions end."""
    user = get_user(db, username)
    _store_password(user, password)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    for s in _open_sessions(db, user.id):
        s.ended_at, s.end_reason = now, "password_reset"
    record_event(db, username, "password_set", "success", "to be changed at the next log-in", actor)


def issue_one_time_password(db: Session, username: str, actor: str, now: dt.datetime) -> str:
    """A forgotten password: a new generated one, to be changed at the next log-in; the person's sessions end."""
    user = get_user(db, username)
    password = _one_time_password(db, user, now)
    record_event(db, username, "password_reset", "success", "one-time password issued", actor)
    return password


def change_password(
    db: Session, session: UserSession, current: str, new: str, now: dt.datetime, lockout: LockoutPolicy
) -> int:
    """The person changes their own password (the current one proves it is them); their other sessions end.
    Returns how many ended. A wrong current password counts as a failed log-in: whoever holds a stolen session
    cannot try passwords without locking the account, which ends its sessions."""
    user = session.user
    if not security.verify_password(user.password_hash, current):
        counted = after_failure(user.failed_logins, lockout, now)
        user.failed_logins, user.locked_until = counted.failed_logins, counted.locked_until
        record_event(db, user.username, "password_changed", "failure", "wrong current password")
        if counted.locked_until is not None:
            for s in _open_sessions(db, user.id):
                s.ended_at, s.end_reason = now, "locked"
            record_event(db, user.username, "lockout", "success", f"locked for {lockout.minutes} minutes")
        raise AccountError("wrong_password", "the current password is wrong")
    if security.verify_password(user.password_hash, new):
        raise AccountError("same_password", "the new password must differ from the current one")
    if lacks_authenticator(user):
        raise AccountError("enrol_first", "set up your authenticator first: your role needs it to log in")
    _store_password(user, new)
    user.must_change_password = False
    others = [s for s in _open_sessions(db, user.id) if s.id != session.id]
    for s in others:
        s.ended_at, s.end_reason = now, "password_changed"
    record_event(db, user.username, "password_changed", "success", f"ended {len(others)} other session(s)")
    return len(others)


def _one_time_password(db: Session, user: User, now: dt.datetime) -> str:
    """A new generated password the person must change at the next log-in; their sessions end."""
    password = security.generate_one_time_password()
    user.password_hash = security.hash_password(password)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    for s in _open_sessions(db, user.id):
        s.ended_at, s.end_reason = now, "password_reset"
    return password


def _store_password(user: User, password: str) -> None:
    try:
        security.check_password_strength(password, user.username)
    except security.WeakPasswordError as exc:
        raise AccountError("weak_password", str(exc)) from exc
    user.password_hash = security.hash_password(password)


def _end_unit_shifts(db: Session, shifts: Select[UnitShift], now: dt.datetime, reason: str) -> str:
    """End the open unit shifts that `shifts` selects: whoever holds them may no longer take alerts in the car as
    they were allowed to (order V.A.1). The unit learns it on its next round; returns a note for the event."""
    ended = list(db.scalars(shifts.where(UnitShift.ended_at.is_(None))))
    for shift in ended:
        shift.ended_at, shift.end_reason = now, reason
    return f"unit shift(s) {', '.join(str(s.id) for s in ended)} ended" if ended else ""


def _detail(*parts: str) -> str:
    """A security event's detail from the parts that say something."""
    return "; ".join(p for p in parts if p)


def _open_sessions(db: Session, user_id: uuid.UUID) -> list[UserSession]:
    return list(db.scalars(select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))))


def check_credentials(
    db: Session,
    username: str,
    password: str,
    totp_code: str | None,
    now: dt.datetime,
    lockout: LockoutPolicy,
    event: str = "login",
    where: str = "",
    source: str = "",
) -> User:
    """Check password and TOTP and apply lockout; return the user or raise AccountError.

    Failures are recorded as `event` security events (with `where`, e.g. the unit, and the `source` address in the
    detail) and counters: the caller commits even on error. A locked account is answered as an unknown one is (the
    same error, after the same work): the answer never tells which user names exist.
    """
    origin = f" from {source}" if source else ""

    def failed(detail: str) -> None:
        said = f"{where}: {detail}" if where else detail
        record_event(db, username[:64], event, "failure", f"{said}{origin}"[:500])

    refused = AccountError("bad_credentials", BAD_CREDENTIALS)
    user = db.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        security.dummy_verify()
        failed("unknown or disabled user")
        raise refused
    if is_locked(user.locked_until, now):
        security.dummy_verify()
        failed(f"account locked until {user.locked_until:%H:%M} UTC")
        raise refused
    ok = security.verify_password(user.password_hash, password)
    step: int | None = None
    if ok and user.totp_secret is not None:
        step = security.totp_step(totp_code or "", user.totp_secret, user.last_totp_step, now.timestamp())
        ok = step is not None
    if ok and lacks_authenticator(user) and not user.must_change_password:
        failed("MFA not enrolled")
        raise AccountError("mfa_not_enrolled", "this role needs a TOTP second factor; ask an administrator")
    # Without an authenticator, a one-time password opens only the person's account page, where they enrol one.
    if not ok:
        counted = after_failure(user.failed_logins, lockout, now)
        user.failed_logins, user.locked_until = counted.failed_logins, counted.locked_until
        failed("bad password or code")
        if counted.locked_until is not None:
            at_where = f" at {where}" if where else ""
            record_event(db, username, "lockout", "success", f"locked for {lockout.minutes} minutes{at_where}{origin}")
            log.warning("account %s locked for %d minutes after %d failed log-ins, the last%s%s", username,
                        lockout.minutes, lockout.attempts, at_where, origin)  # fmt: skip
        raise refused
    user.failed_logins, user.locked_until = 0, None
    if step is not None:
        user.last_totp_step = step
    return user


def locks(db: Session, users: list[User], now: dt.datetime) -> dict[str, str]:
    """The locked accounts among `users`, each with its lock's end and where the failures that locked it came from
    (for the People page: who is locking whom)."""
    out = {}
    for user in users:
        if user.locked_until is None or not is_locked(user.locked_until, now):
            continue
        last = db.scalar(
            select(SecurityEvent.detail)
            .where(SecurityEvent.username == user.username, SecurityEvent.event == "lockout")
            .order_by(SecurityEvent.id.desc())
            .limit(1)
        )
        out[user.username] = f"locked until {user.locked_until:%H:%M} UTC" + (f": {last}" if last else "")
    return out


def login(
    db: Session,
    username: str,
    password: str,
    totp_code: str | None,
    now: dt.datetime,
    lockout: LockoutPolicy,
    client: str = "",
    source: str = "",
) -> LoginResult:
    """Check the credentials (`check_credentials`), then open a session; raise AccountError when refused.

    Failures are recorded (security events and counters) by the caller committing even on error:
    use `login_failure_commit` semantics — see routes.
    """
    user = check_credentials(db, username, password, totp_code, now, lockout, source=source)
    open_sessions = _open_sessions(db, user.id)
    to_end = set(sessions_to_end([(s.created_at, str(s.id)) for s in open_sessions], user.max_sessions))
    for s in open_sessions:
        if str(s.id) in to_end:
            s.ended_at, s.end_reason = now, "replaced"
    token = security.new_token("pws_")
    session = UserSession(
        user_id=user.id,
        token_hash=security.token_digest(token),
        created_at=now,
        last_seen_at=now,
        client=client[:200],
    )
    db.add(session)
    db.flush()
    session.user = user
    record_event(db, username, "login", "success", f"ended {len(to_end)} earlier session(s)")
    return LoginResult(token, session, len(to_end))


def session_for_token(db: Session, token: str, now: dt.datetime, policy: SessionPolicy) -> UserSession:
    """The live session of a bearer token, touched; raise AccountError when missing, ended or idle."""
    session = db.scalar(select(UserSession).where(UserSession.token_hash == security.token_digest(token)))
    if session is None or session.ended_at is not None:
        raise AccountError("not_authenticated", "session missing or ended; log in")
    reason = session_end_reason(session.created_at, session.last_seen_at, now, policy)
    if reason is not None:
        session.ended_at, session.end_reason = now, reason
        record_event(db, session.user.username, "session_locked", "success", reason)
        text = "session locked after inactivity; log in again" if reason == "idle" else "session expired"
        raise AccountError("session_locked", text)
    if not session.user.active:
        raise AccountError("not_authenticated", "account disabled")
    session.last_seen_at = now
    return session


def logout(db: Session, session: UserSession, now: dt.datetime) -> None:
    session.ended_at, session.end_reason = now, "logout"
    record_event(db, session.user.username, "logout", "success")


def create_unit(
    db: Session, name: str, kind: str, approved_for: str, actor: str, now: dt.datetime | None = None
) -> tuple[Unit, str]:
    """Register a unit and return it with its first API token (shown once). A patrol car's `approved_for` (its vehicle)
    is recorded as its first deployment approval, by `actor`; a portable unit's site is approved with its position
    (`platewatch deployment approve`, ADR 0016)."""
    from platewatch.server.deployments import service as deployments  # it writes its audit rows with record_event

    name, approved_for = name.strip(), approved_for.strip()
    if kind not in ("mobile", "portable"):
        raise AccountError("bad_kind", "unit kind must be 'mobile' or 'portable'")
    if not name or len(name) > 64:
        raise AccountError("bad_name", "unit name: 1-64 characters")
    if approved_for and kind == "portable":
        raise AccountError("bad_approved_for", "approved_for: a portable unit's site is approved with its position "
                           "(platewatch deployment approve, or the Deployments page), not as free text")  # fmt: skip
    if approved_for and not 2 <= len(approved_for) <= 200:
        raise AccountError("bad_approved_for", "approved_for: the vehicle in 2-200 characters")
    if db.scalar(select(Unit).where(Unit.name == name)) is not None:
        raise AccountError("unit_exists", f"unit {name!r} already exists")
    unit = Unit(name=name, kind=kind, approved_for="")  # `approved_for` is no longer written (ADR 0016)
    db.add(unit)
    db.flush()
    token = issue_unit_token(db, unit)
    record_event(db, name, "unit_created", "success", f"kind={kind}", actor)
    if approved_for:
        deployments.record_first(db, unit, approved_for, actor, now or unit.created_at)
    return unit, token


def issue_unit_token(db: Session, unit: Unit) -> str:
    token = security.new_token("pwu_")
    db.add(UnitToken(unit_id=unit.id, token_hash=security.token_digest(token)))
    return token


def revoke_unit(db: Session, name: str, actor: str, now: dt.datetime) -> int:
    """Revoke every token of the unit; return how many were live."""
    unit = db.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        raise AccountError("no_such_unit", f"no unit named {name!r}")
    tokens = db.scalars(select(UnitToken).where(UnitToken.unit_id == unit.id, UnitToken.revoked_at.is_(None))).all()
    for t in tokens:
        t.revoked_at = now
    shifts = _end_unit_shifts(db, select(UnitShift).where(UnitShift.unit_id == unit.id), now, "unit_revoked")
    record_event(db, name, "unit_revoked", "success", _detail(f"{len(tokens)} token(s)", shifts), actor)
    return len(tokens)


def unit_for_token(db: Session, token: str, now: dt.datetime) -> Unit:
    row = db.scalar(select(UnitToken).where(UnitToken.token_hash == security.token_digest(token)))
    if row is None:
        raise AccountError("bad_unit_token", "unit token not recognised")
    if row.revoked_at is not None:
        raise AccountError("revoked_unit_token", "unit token has been revoked")
    if not row.unit.active:
        raise AccountError("unit_inactive", "unit is not active")
    row.last_used_at = now
    return row.unit
