"""Officers assigned to units for a shift, and supervisors' overrides (order V.E.2a): recorded by supervisors in their
command (the administrator anywhere), asked by the unit's log-on. Each change is a security event. Functions never
commit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain import supervision as rules
from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts.models import Unit, User
from platewatch.server.accounts.service import record_event
from platewatch.server.errors import ApiError
from platewatch.server.supervision import scope
from platewatch.server.supervision.models import UnitAssignment
from platewatch.server.supervision.schemas import AssignmentCreate, AssignmentPublic, OverrideCreate
from platewatch.server.training import service as training

SHOWN_AFTER_END = dt.timedelta(hours=24)
"""The assignments page lists shifts that ended this long ago too (who had the car last night)."""


class AssignmentError(ApiError):
    """An assignment or override that cannot be recorded, or an unknown one."""


def _unit(db: Session, name: str) -> Unit:
    unit = db.scalar(select(Unit).where(Unit.name == name, Unit.active.is_(True)))
    if unit is None:
        raise AssignmentError(404, "unit_not_found", f"no active unit named {name!r}")
    return unit


def _officer(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise AssignmentError(404, "user_not_found", f"no active user {username!r}")
    if not allows(Role(user.role), Permission.DECIDE_ALERTS):
        raise AssignmentError(
            422, "not_allowed_on_unit", f"{username}'s role ({user.role}) may not take alerts on a unit"
        )
    return user


def _in_scope(db: Session, actor: User, unit: Unit, username: str | None) -> None:
    """A supervisor with a command assigns its units (and, for a planned shift, its people) only."""
    mine = scope.scope_for(db, actor)
    if not scope.holds_unit(db, mine, unit.id):
        raise AssignmentError(403, "outside_command", f"unit {unit.name} is not in your command ({mine.command})")
    if username is not None and not scope.holds_person(db, mine, username):
        raise AssignmentError(403, "outside_command", f"{username} is not in your command ({mine.command})")


def assign(
    db: Session, body: AssignmentCreate, actor: User, now: dt.datetime, require_training: bool
) -> UnitAssignment:
    """Assign a trained officer to a unit for a shift (V.E.2a, V.E.2d)."""
    unit, officer = _unit(db, body.unit), _officer(db, body.username)
    _in_scope(db, actor, unit, officer.username)
    problem = rules.shift_problem(body.starts_at, body.ends_at, now)
    if problem is not None:
        raise AssignmentError(422, "bad_shift", problem)
    trained = all(training.is_trained(db, officer.username, d) for d in {body.starts_at.date(), body.ends_at.date()})
    if require_training and not trained:
        raise AssignmentError(
            422, "training_required",
            f"{officer.username} has no LPR training on record for the whole shift: only trained officers are assigned",
        )  # fmt: skip
    row = UnitAssignment(unit_id=unit.id, username=officer.username, starts_at=body.starts_at, ends_at=body.ends_at,
                         kind="assignment", reason="", assigned_by=actor.username, assigned_at=now)  # fmt: skip
    db.add(row)
    db.flush()
    record_event(db, officer.username, "unit_assigned", "success",
                 f"assignment {row.id}: unit {unit.name} {_span(row)}", actor=actor.username)  # fmt: skip
    return row


def override(db: Session, body: OverrideCreate, actor: User, now: dt.datetime) -> UnitAssignment:
    """Let an officer who is not assigned log on to a unit of the supervisor's command, from now (for at most 12
    hours), with why: the officer may come from another command."""
    unit, officer = _unit(db, body.unit), _officer(db, body.username)
    _in_scope(db, actor, unit, None)
    ends = rules.override_ends(now, body.until)
    if ends <= now:
        raise AssignmentError(422, "bad_shift", "an override must end in the future")
    row = UnitAssignment(unit_id=unit.id, username=officer.username, starts_at=now, ends_at=ends, kind="override",
                         reason=body.reason.strip(), assigned_by=actor.username, assigned_at=now)  # fmt: skip
    db.add(row)
    db.flush()
    detail = f"override {row.id}: unit {unit.name} {_span(row)}: {row.reason}"
    record_event(db, officer.username, "logon_override", "success", detail[:500], actor=actor.username)
    return row


def cancel(db: Session, assignment_id: int, actor: User, now: dt.datetime, reason: str = "") -> UnitAssignment:
    """Cancel an assignment or override (kept, marked cancelled); an open shift on the unit is not ended by it."""
    row = db.get(UnitAssignment, assignment_id)
    if row is None:
        raise AssignmentError(404, "assignment_not_found", f"no assignment {assignment_id}")
    unit = db.get(Unit, row.unit_id)
    assert unit is not None
    _in_scope(db, actor, unit, None)
    if row.cancelled_at is not None:
        raise AssignmentError(409, "already_cancelled", f"assignment {row.id} was cancelled by {row.cancelled_by}")
    row.cancelled_by, row.cancelled_at = actor.username, now
    detail = f"{row.kind} {row.id}: unit {unit.name} {_span(row)}" + (f": {reason.strip()}" if reason.strip() else "")
    record_event(db, row.username, "assignment_cancelled", "success", detail[:500], actor=actor.username)
    return row


def for_logon(db: Session, unit: Unit, username: str, now: dt.datetime) -> UnitAssignment | None:
    """The assignment or override that lets `username` log on to `unit` now (the domain's rule), or None."""
    stmt = select(UnitAssignment).where(
        UnitAssignment.unit_id == unit.id,
        UnitAssignment.username == username,
        UnitAssignment.cancelled_at.is_(None),
        UnitAssignment.ends_at > now,
        UnitAssignment.starts_at <= now + rules.EARLY,
    )
    rows = {r.id: r for r in db.scalars(stmt)}
    found = rules.covering([_rule(r, unit.name) for r in rows.values()], unit.name, username, now)
    return None if found is None else rows[found.id]


def listing(db: Session, actor: User, now: dt.datetime) -> tuple[str | None, list[AssignmentPublic]]:
    """(the actor's command or None, the assignments of the units in it that have not ended a day ago), soonest
    first."""
    mine = scope.scope_for(db, actor)
    ids = scope.units_in(db, mine)
    stmt = (
        select(UnitAssignment, Unit.name)
        .join(Unit, Unit.id == UnitAssignment.unit_id)
        .where(UnitAssignment.ends_at > now - SHOWN_AFTER_END)
        .order_by(UnitAssignment.starts_at, UnitAssignment.id)
    )
    if ids is not None:
        stmt = stmt.where(UnitAssignment.unit_id.in_(ids))
    return mine.command, [public(row, name) for row, name in db.execute(stmt)]


def public(row: UnitAssignment, unit: str) -> AssignmentPublic:
    return AssignmentPublic(
        id=row.id, unit=unit, username=row.username, starts_at=row.starts_at, ends_at=row.ends_at, kind=row.kind,
        reason=row.reason, assigned_by=row.assigned_by, assigned_at=row.assigned_at, cancelled_by=row.cancelled_by,
        cancelled_at=row.cancelled_at,
    )  # fmt: skip


def public_of(db: Session, row: UnitAssignment) -> AssignmentPublic:
    unit = db.get(Unit, row.unit_id)
    return public(row, unit.name if unit is not None else "?")


def _rule(row: UnitAssignment, unit: str) -> rules.Assignment:
    return rules.Assignment(
        row.id, unit, row.username, row.starts_at, row.ends_at, row.kind, row.cancelled_at is not None
    )


def _span(row: UnitAssignment) -> str:
    return f"{row.starts_at:%Y-%m-%d %H:%M} to {row.ends_at:%Y-%m-%d %H:%M} UTC"
