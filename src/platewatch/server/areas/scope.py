"""The restriction as a database filter (ADR 0018): once a restricted person's request has set its `Restriction` on
the request's session (`deps.current_session`), every ORM statement of that session sees only the reads inside it,
and only the alerts, suppressed passes and held reads of those reads, whichever route or service runs the query.
No handler applies it: a read outside is simply not there (404), as if it did not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, event, false, literal, or_, select, true
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from platewatch.domain.geo import edges
from platewatch.domain.restrictions import Polygon, Restriction, bounds, window
from platewatch.server.alerts.models import Alert, AlertRepeat
from platewatch.server.governance.models import HeldRead
from platewatch.server.reads.models import Read

SCOPE = "platewatch.read_scope"
"""The key of `Session.info` that holds a request's `Scope`."""


@dataclass(frozen=True)
class Scope:
    """A restriction as it holds at one moment (`now`: the request's clock, for "newer than N days")."""

    restriction: Restriction
    now: dt.datetime


def restrict(db: Session, restriction: Restriction | None, now: dt.datetime) -> None:
    """From now on `db` shows only what `restriction` lets its person see (None: everything)."""
    if restriction is None or not restriction.limits_anything:
        db.info.pop(SCOPE, None)
    else:
        db.info[SCOPE] = Scope(restriction, now)


def carry(source: Session, target: Session) -> None:
    """`target` (a standby's session for the same request) shows what `source` shows: the same restriction."""
    found = scope_of(source)
    if found is None:
        target.info.pop(SCOPE, None)
    else:
        target.info[SCOPE] = found


@contextmanager
def unrestricted(db: Session) -> Iterator[None]:
    """System work done in a restricted person's request that must see every read, and shows them none of them:
    historical alerts raised when they add a hot-list entry (an alert outside their scope stays invisible to them)."""
    held = db.info.pop(SCOPE, None)
    try:
        yield
    finally:
        if held is not None:
            db.info[SCOPE] = held


def scope_of(db: Session) -> Scope | None:
    found = db.info.get(SCOPE)
    return found if isinstance(found, Scope) else None


def _inside(polygon: Polygon, lat: Any, lon: Any) -> ColumnElement[bool]:
    """SQL: the point (lat, lon) is inside `polygon` — an odd count of crossed edges (`domain.geo.edges`)."""
    crossings = [
        case((and_(lat >= e.lo, lat < e.hi, lon < literal(e.lon0) + (lat - literal(e.lat0)) * literal(e.slope)), 1),
             else_=0)
        for e in edges(list(polygon))
    ]  # fmt: skip
    if not crossings:
        return false()
    total: ColumnElement[Any] = crossings[0]
    for c in crossings[1:]:
        total = total + c
    return total % 2 == 1


def read_clause(scope: Scope, r: Any = Read) -> ColumnElement[bool]:
    """SQL: a read (`r`: the Read entity or an alias of it) the scope admits (`domain.restrictions.admits`)."""
    rule = scope.restriction
    conds: list[ColumnElement[bool]] = []
    start, end = window(rule, scope.now)
    if start is not None:
        conds.append(r.captured_at >= start)
    if end is not None:
        conds.append(r.captured_at < end)
    box = bounds(rule)
    if box is not None:
        conds += [r.latitude.is_not(None), r.longitude.is_not(None)]
        conds += [r.latitude >= box.min_lat, r.latitude <= box.max_lat]
        conds += [r.longitude >= box.min_lon, r.longitude <= box.max_lon]
        conds.append(or_(*(_inside(p, r.latitude, r.longitude) for p in rule.areas)))
    return and_(true(), *conds)


@event.listens_for(Session, "do_orm_execute")
def _apply(state: ORMExecuteState) -> None:
    """Every ORM SELECT, UPDATE and DELETE of a restricted session: reads, and rows that stand for a read."""
    scope = scope_of(state.session)
    if scope is None or state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
        return
    visible = read_clause(scope)
    visible_ids = select(Read.id).where(visible)
    state.statement = state.statement.options(
        with_loader_criteria(Read, read_clause(scope), include_aliases=True),
        with_loader_criteria(Alert, Alert.read_id.in_(visible_ids), include_aliases=True),
        with_loader_criteria(AlertRepeat, AlertRepeat.read_id.in_(visible_ids), include_aliases=True),
        with_loader_criteria(HeldRead, HeldRead.read_id.in_(visible_ids), include_aliases=True),
    )
