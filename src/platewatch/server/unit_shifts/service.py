"""Shifts on a unit: the officer's log-on (checked like the web login, no web session opened) and log-off.
Callers commit, failed log-ons included (their security events and counters must stay)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from platewatch.domain.access_rules import LockoutPolicy
from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import Unit
from platewatch.server.errors import ApiError
from platewatch.server.reads.models import Read
from platewatch.server.supervision import assignments
from platewatch.server.training import service as training
from platewatch.server.unit_shifts.decisions import CLOCK_SKEW, ENDED_BY_SERVER
from platewatch.server.unit_shifts.models import UnitShift
from platewatch.server.unit_shifts.schemas import LogonRequest


class ShiftError(ApiError):
    """A refused log-on or an unknown shift (rendered like any ApiError)."""


def logon(
    db: Session, unit: Unit, body: LogonRequest, now: dt.datetime, lockout: LockoutPolicy, require_training: bool
) -> UnitShift:
    """Order V.E.8a: check the officer's credentials, end the unit's open shift, start a new one. Only an officer
    assigned to the unit now, or let on by a supervisor's override, logs on (V.E.2a)."""
    where = f"unit {unit.name}"
    try:
        user = accounts.check_credentials(db, body.username, body.password, body.otp, now, lockout,
                                          event="unit_logon", where=where)  # fmt: skip
    except accounts.AccountError as exc:
        raise ShiftError(accounts.LOGIN_STATUS.get(exc.code, 401), exc.code, exc.message) from exc
    if not allows(Role(user.role), Permission.DECIDE_ALERTS):
        accounts.record_event(
            db, user.username, "unit_logon", "failure", f"{where}: role {user.role} may not decide alerts"
        )
        raise ShiftError(403, "not_allowed_on_unit", f"your role ({user.role}) may not take alerts on a unit")
    if user.must_change_password:
        accounts.record_event(db, user.username, "unit_logon", "failure", f"{where}: one-time password not changed")
        raise ShiftError(
            403, "password_change_required", "change your one-time password on the server's web page first"
        )
    if require_training and not training.is_trained(db, user.username, now.date()):
        accounts.record_event(db, user.username, "unit_logon", "failure", f"{where}: no current training")
        raise ShiftError(
            403,
            "training_required",
            f"{user.username} has no current LPR training on record: only trained officers may log on to a unit",
        )
    assigned = assignments.for_logon(db, unit, user.username, now)
    if assigned is None:
        accounts.record_event(db, user.username, "unit_logon", "failure", f"{where}: not assigned to this unit now")
        raise ShiftError(
            403, "not_assigned",
            f"{user.username} is not assigned to unit {unit.name} now (order V.E.2a): a supervisor assigns officers to "
            "units, or lets one log on with an override, on the server's Assignments page (/assignments)",
        )  # fmt: skip
    for open_shift in db.scalars(select(UnitShift).where(UnitShift.unit_id == unit.id, UnitShift.ended_at.is_(None))):
        open_shift.ended_at, open_shift.end_reason = now, "replaced"
    shift = UnitShift(unit_id=unit.id, username=user.username, role=user.role, started_at=now)
    db.add(shift)
    db.flush()
    how = f"{assigned.kind} {assigned.id} by {assigned.assigned_by}"
    why = f": {assigned.reason}" if assigned.kind == "override" else ""
    accounts.record_event(db, user.username, "unit_logon", "success", f"{where}, {how}{why}"[:500])
    return shift


def logoff(db: Session, unit: Unit, shift_id: int, now: dt.datetime, ended_at: dt.datetime | None = None) -> UnitShift:
    """End the shift at `ended_at` (the unit's time of the log-off, sent late by a unit that was offline; now
    by default). A shift that ended by log-off stays as it was; one the unit's next log-on replaced while the
    log-off waited on the unit gets the log-off's true, earlier time."""
    shift = get(db, unit, shift_id)
    when = now if ended_at is None else ended_at
    if when > now + CLOCK_SKEW or when < shift.started_at - CLOCK_SKEW:
        raise ShiftError(
            422, "invalid_logoff_time",
            f"log-off at {when:%Y-%m-%d %H:%M:%S%z} is outside shift {shift.id} (began {shift.started_at:%H:%M:%S}, "
            "now the server's clock)",
        )  # fmt: skip
    when = min(max(when, shift.started_at), now)
    late = shift.end_reason == "replaced" and shift.ended_at is not None and when < shift.ended_at
    if shift.ended_at is None or late:
        shift.ended_at, shift.end_reason = when, "logoff"
        detail = f"unit {unit.name}" + (f", logged off at {when:%H:%M:%S} UTC while offline" if late else "")
        accounts.record_event(db, shift.username, "unit_logoff", "success", detail)
    return shift


def get(db: Session, unit: Unit, shift_id: int) -> UnitShift:
    """The unit's own shift; another unit's shift is as unknown as one that does not exist."""
    shift = db.get(UnitShift, shift_id)
    if shift is None or shift.unit_id != unit.id:
        raise ShiftError(404, "shift_not_found", f"no shift {shift_id} on this unit")
    return shift


def describe(shift: UnitShift) -> str:
    """The shift's state in the words the officer reads on the unit's screen."""
    if shift.ended_at is None:
        return f"shift {shift.id} of {shift.username} is open"
    ended = f"shift {shift.id} of {shift.username} ended at {shift.ended_at:%H:%M} UTC"
    if shift.end_reason in ENDED_BY_SERVER:
        return f"{ended}: {ENDED_BY_SERVER[shift.end_reason]}. Nobody is logged on to take alerts"
    return ended + (" (logged off)" if shift.end_reason == "logoff" else " (another log-on replaced it)")


def on_shift(db: Session, reads: Sequence[Read]) -> dict[uuid.UUID, str | None]:
    """Order V.E.8a: who was logged on to each read's unit when it was taken (its capture time within one of the
    unit's shifts, by the server's record of log-ons and log-offs); None: nobody was, and the read is shown as
    taken with no officer logged on. One query for a page of reads."""
    if not reads:
        return {}
    units = {r.unit_id for r in reads}
    first, last = min(r.captured_at for r in reads), max(r.captured_at for r in reads)
    shifts = db.scalars(
        select(UnitShift)
        .where(
            UnitShift.unit_id.in_(units),
            UnitShift.started_at <= last,
            or_(UnitShift.ended_at.is_(None), UnitShift.ended_at > first),
        )
        .order_by(UnitShift.started_at.desc())
    ).all()
    return {r.id: _officer_at(shifts, r.unit_id, r.captured_at) for r in reads}


def _officer_at(shifts: Sequence[UnitShift], unit_id: uuid.UUID, at: dt.datetime) -> str | None:
    for shift in shifts:  # latest first: a log-on ends the unit's open shift, so at most one covers `at`
        if shift.unit_id == unit_id and shift.started_at <= at and (shift.ended_at is None or at < shift.ended_at):
            return shift.username
    return None
