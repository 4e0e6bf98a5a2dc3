"""Request dependencies: database session, clock, people and unit authentication, permissions and the
query-log context. Every route declares exactly one of `Public`, `require(...)`, `unit_auth` or
`query_logged(...)`; tests enumerate the app's routes and fail on a route that declares none.
"""

# No `from __future__ import annotations` here: FastAPI must see the real Annotated[…, Depends(gate)]
# objects that `query_logged` builds in a closure; as strings they would not resolve.

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator
from sqlalchemy import Engine, bindparam, select, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached, sessionmaker

from platewatch.domain.access_rules import LockoutPolicy, SessionPolicy
from platewatch.domain.querylog import Action, Outcome, check_purpose
from platewatch.domain.replicas import ON_PRIMARY, PRIMARY, Served
from platewatch.domain.roles import TRAINED_PERMISSIONS, Permission, Role, allows
from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import Unit, UnitToken, UserSession
from platewatch.server.accounts.security import token_digest
from platewatch.server.alerts.matcher import Matcher
from platewatch.server.areas import service as areas
from platewatch.server.areas.scope import carry, restrict
from platewatch.server.data_requests import service as data_requests
from platewatch.server.db.replicas import Replicas
from platewatch.server.errors import ApiError
from platewatch.server.inputs import RowId, Seq
from platewatch.server.querylog import service as querylog
from platewatch.server.querylog.models import QueryLogEntry
from platewatch.server.settings import Settings
from platewatch.server.training import service as training
from platewatch.server.unit_status import service as unit_status
from platewatch.server.web.menu import PageUser

log = logging.getLogger(__name__)
T = TypeVar("T")

SESSION_COOKIE = "pw_session"
AUTHENTICATED = "platewatch.authenticated"
"""Set in a request's scope once `current_session` or `unit_auth` found its credential valid: `http_guard` then does not
ask again before the body is read."""


@dataclass
class StoreWatch:
    """Whether this server still holds the store's lock (`store_lock`): `lost` says why not, once a restore has
    taken the store from under it; from then on it answers no request with data and stops."""

    lost: str | None = None


@dataclass(slots=True)
class _CachedToken:
    token_id: uuid.UUID
    unit_id: uuid.UUID
    name: str
    kind: str
    created_at: dt.datetime
    last_used_written: dt.datetime


class UnitTokenCache:
    """Which token row and unit a unit token is, by the token's SHA-256 (ADR 0014): what never changes for a token.
    Whether the token still holds (not revoked, its unit active) is read from the database on every request, by
    the token row's primary key in one statement: a token revoked by any worker is refused by every worker at once.
    A hit saves the lookup by hash, loading the unit and writing the token's `last_used_at` (once a minute at most)."""

    MAX_TOKENS = 10_000
    LAST_USED_EVERY = dt.timedelta(minutes=1)

    def __init__(self) -> None:
        self._tokens: dict[str, _CachedToken] = {}

    def unit(self, db: Session, token: str, at: dt.datetime) -> Unit | None:
        """The unit of a cached token that still holds, merged into `db` without a query; None otherwise."""
        digest = token_digest(token)
        cached = self._tokens.get(digest)
        if cached is None:
            return None
        holds = db.execute(_TOKEN_HOLDS, {"token_id": cached.token_id}).scalar()
        if not holds:
            self._tokens.pop(digest, None)  # revoked, unit deactivated or deleted: the full lookup says which
            return None
        if at - cached.last_used_written >= self.LAST_USED_EVERY:
            db.execute(update(UnitToken).where(UnitToken.id == cached.token_id).values(last_used_at=at))
            cached.last_used_written = at
        unit = Unit(id=cached.unit_id, name=cached.name, kind=cached.kind, active=True, created_at=cached.created_at)
        make_transient_to_detached(unit)  # a row known to exist: merged into the session without a query
        return db.merge(unit, load=False)

    def remember(self, db: Session, token: str, unit: Unit, at: dt.datetime) -> None:
        """Cache a token that `accounts.unit_for_token` just found valid (it wrote its `last_used_at`)."""
        digest = token_digest(token)
        token_id = db.scalar(select(UnitToken.id).where(UnitToken.token_hash == digest))
        if token_id is None:
            return
        if len(self._tokens) >= self.MAX_TOKENS:
            self._tokens.clear()
        self._tokens[digest] = _CachedToken(token_id, unit.id, unit.name, unit.kind, unit.created_at, at)


_TOKEN_HOLDS = (
    select(true())
    .select_from(UnitToken)
    .join(Unit, Unit.id == UnitToken.unit_id)
    .where(UnitToken.id == bindparam("token_id"), UnitToken.revoked_at.is_(None), Unit.active.is_(True))
)


@dataclass(frozen=True)
class AppState:
    """What the app factory builds once and every request uses."""

    settings: Settings
    sessions: sessionmaker[Session]
    clock: Callable[[], dt.datetime]
    matcher: Matcher
    engine: Engine
    store: StoreWatch = field(default_factory=StoreWatch)
    unit_tokens: UnitTokenCache = field(default_factory=lambda: UnitTokenCache())
    replicas: Replicas = field(default_factory=lambda: Replicas((), 0.0))
    """The PostgreSQL standbys searches, maps, exports and reports may read from (none: the primary serves all)."""
    on_store_lost: Callable[[], None] | None = None
    """Called once when the store's lock is lost to a restore (the CLI's server stops itself: systemd restarts it,
    and it starts on the restored store once the restore has ended)."""

    @property
    def lockout(self) -> LockoutPolicy:
        return LockoutPolicy(self.settings.lockout_attempts, self.settings.lockout_minutes)

    @property
    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(self.settings.session_idle_minutes, self.settings.session_max_hours)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.platewatch
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_db(state: StateDep) -> Iterator[Session]:
    """A session per request; handlers commit explicitly, anything uncommitted is rolled back. None once a restore
    has taken the store from under this server (503)."""
    if state.store.lost is not None:
        raise ApiError(503, "store_restored", state.store.lost)
    with state.sessions() as db:
        try:
            yield db
        finally:
            db.rollback()


DbDep = Annotated[Session, Depends(get_db)]

SERVED = "platewatch_served"
"""`request.state`'s name for who served a request's reads (a `Served`): `served_by` puts it in a header, pages on
the page."""


@contextmanager
def _reads_session(request: Request, state: AppState, primary: Session) -> Iterator[Session | None]:
    """A session on the standby that serves this request's reads, or None: the primary's (issue 23 item 5). It shows
    what the request's primary session shows (a restricted person's restriction, ADR 0018). Who served it is kept on
    the request when the store has standbys."""
    if not state.replicas:
        yield None
        return
    db, served = state.replicas.session()
    setattr(request.state, SERVED, served)
    if db is None:
        yield None
        return
    carry(primary, db)
    with db:
        try:
            yield db
        finally:
            db.rollback()


def _standby_lost(request: Request, state: AppState, name: str, served: Served) -> None:
    state.replicas.lost(name)
    setattr(request.state, SERVED, served)


@dataclass
class ReadsOn:
    """Where a request's reads come from: a standby's session when one is fresh enough, else the primary's (issue 23
    item 5, ADR 0021)."""

    primary: Session
    replica: Session | None = None
    served: Served = ON_PRIMARY
    standby_lost: Callable[[Served], None] | None = None
    """Told when the standby failed while answering and the primary took over."""

    def read(self, query: Callable[[Session], T]) -> T:
        """Run the route's `query` on the standby serving this request; on the primary when there is none, or when
        the standby fails while answering (it is then left alone, and the answer says so)."""
        if self.replica is None:
            return query(self.primary)
        try:
            return query(self.replica)
        except OperationalError:
            lost, self.replica = self.served.by, None
            self.served = Served(PRIMARY, 0.0, f"served by the primary database: {lost} failed while answering")
            log.warning("standby %s failed while answering; the primary answers", lost)
            if self.standby_lost is not None:
                self.standby_lost(self.served)
            return query(self.primary)


def _reads_on(request: Request, state: AppState, primary: Session, replica: Session | None) -> ReadsOn:
    served = getattr(request.state, SERVED, ON_PRIMARY)
    return ReadsOn(primary, replica, served, lambda now_served: _standby_lost(request, state, served.by, now_served))


def get_reads(request: Request, db: DbDep, state: StateDep) -> Iterator[ReadsOn]:
    """For routes that only read (reports): their queries go through `ReadsOn.read`."""
    with _reads_session(request, state, db) as replica:
        yield _reads_on(request, state, db, replica)


ReadsDep = Annotated[ReadsOn, Depends(get_reads)]


def now(state: StateDep) -> dt.datetime:
    return state.clock()


NowDep = Annotated[dt.datetime, Depends(now)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def Public() -> None:
    """Marks a route that needs no authentication (login page, health check)."""


PublicDep = Annotated[None, Depends(Public)]


def _person_session(db: Session, token: str | None, at: dt.datetime, policy: SessionPolicy) -> UserSession:
    """The live session of a person's token, touched; 401 otherwise (an idle session's recorded end is kept)."""
    if not token or not token.startswith("pws_"):
        raise ApiError(401, "not_authenticated", "log in first (session token missing)")
    try:
        return accounts.session_for_token(db, token, at, policy)
    except accounts.AccountError as exc:
        db.commit()  # keep the recorded end of an idle session
        raise ApiError(401, exc.code, exc.message) from exc


def current_session(request: Request, db: DbDep, state: StateDep, at: NowDep) -> UserSession:
    """The person's live session from the bearer token or the session cookie; 401 otherwise. A person restricted to
    areas and a time window (order IV.B.4) gets a session that shows only the reads inside them, whatever the route
    asks of it afterwards (`areas/scope.py`, ADR 0018)."""
    token = _bearer(request) or request.cookies.get(SESSION_COOKIE)
    session = _person_session(db, token, at, state.session_policy)
    db.commit()
    request.scope[AUTHENTICATED] = True
    user = session.user
    restrict(db, areas.restriction_of(db, user.id), at)
    request.state.page_user = PageUser(user.username, user.role, user.must_change_password)  # for an error page
    return session


SessionDep = Annotated[UserSession, Depends(current_session)]


PASSWORD_CHANGE_REQUIRED = (
    "change your one-time password first: on your account page (/account) or with POST /api/v1/me/password"
)


class require:
    """Dependency: the current person's role must hold `permission`, a one-time password must have been changed
    (only their own account is open until then), and for data (`TRAINED_PERMISSIONS`) the person must be trained
    today; 403 otherwise."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, session: SessionDep, db: DbDep, state: StateDep, at: NowDep) -> UserSession:
        user = session.user
        if not allows(Role(user.role), self.permission):
            raise ApiError(403, "forbidden", f"your role ({user.role}) may not {self.permission.value}")
        if user.must_change_password and self.permission is not Permission.VIEW_OWN_ACCOUNT:
            raise ApiError(403, "password_change_required", PASSWORD_CHANGE_REQUIRED)
        trained_only = state.settings.require_training and self.permission in TRAINED_PERMISSIONS
        if trained_only and not training.is_trained(db, user.username, at.date()):
            raise ApiError(
                403,
                "training_required",
                f"no current LPR training is on record for {user.username} (order V.D.2): "
                "the Program Administrator or a supervisor records courses on the Training page (/training)",
            )
        return session

    def __repr__(self) -> str:
        return f"require({self.permission.value})"


def _token_unit(request: Request, db: Session, at: dt.datetime, tokens: UnitTokenCache) -> Unit:
    """The unit whose API token `request` carries; 401 otherwise, logged (never the token)."""
    token = _bearer(request) or request.query_params.get("api_key")
    try:
        if not token:
            raise ApiError(401, "unit_token_missing", "unit token missing: send Authorization: Bearer pwu_…")
        unit = tokens.unit(db, token, at)
        if unit is not None:
            return unit
        try:  # not cached, or no longer valid: the full lookup says why it is refused
            unit = accounts.unit_for_token(db, token, at)
        except accounts.AccountError as exc:
            raise ApiError(401, exc.code, exc.message) from exc
        tokens.remember(db, token, unit, at)
        return unit
    except ApiError as exc:  # an agent set up with a wrong or revoked token: IT finds it here (never the token)
        source = request.client.host if request.client else "?"
        log.warning("unit request refused: %d %s for %s %s from %s", exc.status, exc.code, request.method,
                    request.url.path, source)  # fmt: skip
        raise


def unit_auth(request: Request, db: DbDep, state: StateDep, at: NowDep) -> Unit:
    """Dependency: a unit's API token from `Authorization: Bearer pwu_…` (or `?api_key=` for OpenALPR
    agents, which cannot set headers). Authentication only: `UnitDep` records the contact too, the ingest routes
    record it in their own transaction."""
    unit = _token_unit(request, db, at, state.unit_tokens)
    request.scope[AUTHENTICATED] = True
    return unit


AuthenticatedUnit = Annotated[Unit, Depends(unit_auth)]


def unit_said(request: Request, at: dt.datetime) -> dict[str, Any]:
    """What a unit says of itself in its request's headers, as `unit_status.touch` takes it."""
    return {
        "reads_waiting": _count(request, "x-outbox-pending"),
        "reads_deleted": _count(request, "x-outbox-deleted"),
        "disk_free_mib": _count(request, "x-disk-free-mib"),
        "reads_lost": _count(request, "x-reads-lost"),
        "gps_fix_age_s": _gps_fix_age(request),
        "clock_skew_s": _clock_skew(request, at),
    }


def unit_contact(request: Request, response: Response, unit: AuthenticatedUnit, db: DbDep, at: NowDep) -> Unit:
    """Dependency of every unit route but ingest: the authenticated unit, its contact recorded and committed, and the
    answer marked when an urgent hot-list change waits for it (`unit_status.URGENT_HEADER`)."""
    # Every request of a unit is a contact supervisors see (V.E.2h); kept even if the route then fails.
    unit_status.touch(db, unit, at, **unit_said(request, at))
    if unit_status.urgent_for(db, unit):  # in the same transaction as the contact, not a second one after it
        response.headers[unit_status.URGENT_HEADER] = "1"
    db.commit()
    return unit


def _count(request: Request, header: str) -> int | None:
    """A count a unit says in a header (None when it says none, or not a count)."""
    said = request.headers.get(header, "")
    return int(said) if said.isdigit() and len(said) < 10 else None


def _gps_fix_age(request: Request) -> int | None:
    """Seconds since the unit's latest GPS fix, as it says (`X-GPS-Fix-Age-S`; -1: none yet; None: it has no
    receiver, or did not say)."""
    said = request.headers.get("x-gps-fix-age-s", "")
    return -1 if said == "none" else _count(request, "x-gps-fix-age-s")


def _clock_skew(request: Request, at: dt.datetime) -> float | None:
    """The server's clock minus the unit's (`X-Unit-Time`, set as the unit sends), from questions only: a request
    with a body (a batch of reads with images) may take seconds to arrive, which would count as skew."""
    said = request.headers.get("x-unit-time", "")
    if request.method != "GET" or not said or len(said) > 40:
        return None
    try:
        unit_time = dt.datetime.fromisoformat(said)
    except ValueError:
        return None
    return (at - unit_time).total_seconds() if unit_time.tzinfo is not None else None


UnitDep = Annotated[Unit, Depends(unit_contact)]


def check_credential(state: AppState, request: Request) -> None:
    """Raise the 401 that `unit_auth` or `current_session` would answer to the credential `request` carries (a `pwu_`
    token is a unit's, anything else a person's). `http_guard` asks before a large body is read; nothing is kept but
    an idle session's recorded end and a refused unit's log line."""
    with contextmanager(get_db)(state) as db:
        token = _bearer(request) or request.query_params.get("api_key")
        if token is not None and token.startswith("pwu_"):
            _token_unit(request, db, state.clock(), state.unit_tokens)
        else:
            session_token = _bearer(request) or request.cookies.get(SESSION_COOKIE)
            _person_session(db, session_token, state.clock(), state.session_policy)


@dataclass
class QueryContext:
    """A data access in progress: who, why, and the one query-log row it will write."""

    db: Session
    username: str
    role: str
    action: Action
    purpose: str
    case_number: str
    at: dt.datetime
    reads: ReadsOn
    """Where the request's reads come from (`read`); the query-log row is written on `db`, the primary."""
    parameters: dict[str, Any] = field(default_factory=dict)
    entry: QueryLogEntry | None = None

    def read(self, query: Callable[[Session], T]) -> T:
        """Run the route's `query` where the request reads (`ReadsOn.read`): a standby, or the primary."""
        return self.reads.read(query)

    def record(self, result_count: int, parameters: dict[str, Any] | None = None) -> QueryLogEntry:
        """Write the query-log row and commit it together with whatever this request did."""
        if self.entry is not None:
            raise RuntimeError("a request records exactly one query-log row")
        if parameters:
            self.parameters.update(parameters)
        self.entry = querylog.append(
            self.db,
            username=self.username,
            action=self.action.value,
            parameters=self.parameters,
            purpose=self.purpose,
            case_number=self.case_number,
            result_count=result_count,
            outcome=Outcome.OK.value,
            now=self.at,
        )
        self.db.commit()
        return self.entry


def _context_purpose(db: Session, username: str, seq: int, at: dt.datetime) -> tuple[str, str]:
    """Purpose and case of the person's own earlier search, map or view (within 12 hours) this follows."""
    entry = db.get(QueryLogEntry, seq)
    allowed = (Action.SEARCH.value, Action.MAP.value, Action.VIEW_READ.value)
    if entry is None or entry.username != username or entry.action not in allowed or entry.outcome != "ok":
        raise ValueError(f"context {seq} is not a search, map or read view of yours")
    if at - entry.at > dt.timedelta(hours=12):
        raise ValueError(f"context {seq} is older than 12 hours: state the purpose again")
    return entry.purpose, entry.case_number


def _blank_is_none(value: Any) -> Any:
    """A form's empty field (`request=`) names no data request."""
    return None if value == "" else value


def _for_request(
    db: Session,
    params: dict[str, Any],
    named: int | None,
    context: int | None,
    purpose: str | None,
    case_number: str | None,
) -> tuple[str | None, str | None]:
    """An access made for a data request (`?request=ID`, or the search it follows named one) is recorded with the
    request's number among its parameters; the request must be approved, the case be its case, and its purpose and
    case are taken when none is stated (order V.D.7-8). ApiError otherwise."""
    if named is None and context is not None:
        earlier = db.get(QueryLogEntry, context)
        inherited = None if earlier is None else earlier.parameters.get(data_requests.PARAMETER)
        named = int(inherited) if isinstance(inherited, str) and inherited.isdigit() else None
    if named is None:
        return purpose, case_number
    row = data_requests.for_access(db, named)
    params[data_requests.PARAMETER] = str(row.id)
    if case_number and case_number.strip() != row.case_number:
        raise ApiError(
            400, "case_not_the_requests", f"case_number must be data request {row.id}'s case ({row.case_number})"
        )
    if context is not None or purpose:  # the search it follows, or the person, states the purpose
        return purpose, case_number or (row.case_number if purpose else None)
    return data_requests.access_purpose(row), row.case_number


def query_logged(
    action: Action,
    permission: Permission,
    *,
    standing_purpose: tuple[str, str] | None = None,
    on_replica: bool = False,
) -> Callable[..., Iterator[QueryContext]]:
    """Dependency factory for routes that return read data: permission, purpose and case number, and
    exactly one query-log row per request — refused and failed requests included.

    `standing_purpose` (purpose, case) is recorded when the person gives none: for work whose purpose the
    order itself states, such as reviewing hits (V.E.5) — the access is still logged, row by row.
    `on_replica`: the route's reads may come from a fresh standby (`QueryContext.read`): searches, maps and exports.
    """
    gate = require(permission)

    def dependency(
        request: Request,
        session: Annotated[UserSession, Depends(gate)],
        db: DbDep,
        state: StateDep,
        at: NowDep,
        purpose: Annotated[str | None, Query(max_length=500)] = None,
        case_number: Annotated[str | None, Query(max_length=40)] = None,
        context: Annotated[Seq | None, Query(description="query-log seq of the search this follows")] = None,
        data_request: Annotated[
            RowId | None,
            BeforeValidator(_blank_is_none),
            Query(alias="request", description="the approved data request this access is made for"),
        ] = None,
    ) -> Iterator[QueryContext]:
        username = session.user.username
        skip = ("purpose", "case_number", "context")
        params = {k: v for k, v in request.query_params.items() if v != "" and k not in skip}
        params.update({f"path.{k}": str(v) for k, v in request.path_params.items()})
        try:
            purpose, case_number = _for_request(db, params, data_request, context, purpose, case_number)
        except ApiError:
            db.rollback()
            _record_refusal(db, username, action, params, purpose, case_number, at)
            raise
        try:
            if context is not None and not purpose:
                purpose, case_number = _context_purpose(db, username, context, at)
            elif standing_purpose is not None and not purpose and not case_number:
                purpose, case_number = standing_purpose
            p, c = check_purpose(purpose, case_number)
        except ValueError as exc:
            _record_refusal(db, username, action, params, purpose, case_number, at)
            raise ApiError(400, "purpose_required", str(exc)) from exc
        with _reads_session(request, state, db) if on_replica else nullcontext() as replica:
            reads = _reads_on(request, state, db, replica)
            ctx = QueryContext(db, username, session.user.role, action, p, c, at, reads, params)
            yield from _logged(ctx, db)

    dependency.query_action = action  # type: ignore[attr-defined]
    dependency.standing_purpose = standing_purpose  # type: ignore[attr-defined]
    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def _logged(ctx: QueryContext, db: Session) -> Iterator[QueryContext]:
    """Yield the context to the route; a route that fails or returns without its row still leaves one."""
    try:
        yield ctx
    except ApiError as exc:
        db.rollback()
        if ctx.entry is None:
            outcome = Outcome.NOT_FOUND if exc.status == 404 else Outcome.REFUSED
            _record_failure(db, ctx, outcome)
        raise
    except RequestValidationError:  # a request body that does not validate: refused, not a server error
        db.rollback()
        if ctx.entry is None:
            _record_failure(db, ctx, Outcome.REFUSED)
        raise
    except Exception:
        db.rollback()
        if ctx.entry is None:
            _record_failure(db, ctx, Outcome.ERROR)
        raise
    if ctx.entry is None:
        raise RuntimeError(f"route for {ctx.action.value} returned without recording its query-log row")


def _record_refusal(
    db: Session,
    username: str,
    action: Action,
    params: dict[str, Any],
    purpose: str | None,
    case_number: str | None,
    at: dt.datetime,
) -> None:
    """A refused access (no purpose, a request not approved…) is a query-log row too, committed before the refusal."""
    querylog.append(
        db,
        username=username,
        action=action.value,
        parameters=params,
        purpose=(purpose or "")[:500],
        case_number=(case_number or "")[:40],
        result_count=0,
        outcome=Outcome.REFUSED.value,
        now=at,
    )
    db.commit()


def _record_failure(db: Session, ctx: QueryContext, outcome: Outcome) -> None:
    querylog.append(
        db,
        username=ctx.username,
        action=ctx.action.value,
        parameters=ctx.parameters,
        purpose=ctx.purpose,
        case_number=ctx.case_number,
        result_count=0,
        outcome=outcome.value,
        now=ctx.at,
    )
    db.commit()
