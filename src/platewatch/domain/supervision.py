"""Supervisors' duties (order V.E.2a, V.E.2g): who is assigned to a unit now, and who is in a supervisor's command
(pure rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from platewatch.domain.roles import Role

MAX_SHIFT = dt.timedelta(hours=16)
"""An assignment covers one shift (a double shift at most): a longer one is a mistake in its dates."""
MAX_AHEAD = dt.timedelta(days=31)
"""Shifts are assigned at most a month ahead (a roster, not a standing rule)."""
MAX_OVERRIDE = dt.timedelta(hours=12)
"""A supervisor's override lets an officer log on to a unit for the rest of a shift, never longer."""
EARLY = dt.timedelta(minutes=15)
"""An officer may log on this long before the assigned shift begins (checking the car, the hot list download)."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """An officer assigned to a unit for a shift (`kind` "assignment"), or a supervisor's override of a refused
    log-on (`kind` "override"): the unit lets the officer log on from `starts_at` to `ends_at`."""

    id: int
    unit: str
    username: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str = "assignment"
    cancelled: bool = False


def shift_problem(starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> str | None:
    """Why a shift from `starts_at` to `ends_at`, assigned at `now`, cannot be assigned; None when it can."""
    if ends_at <= starts_at:
        return "the shift must end after it starts"
    if ends_at - starts_at > MAX_SHIFT:
        return f"a shift is {MAX_SHIFT.total_seconds() / 3600:.0f} hours at most"
    if ends_at <= now:
        return "the shift has already ended"
    if starts_at - now > MAX_AHEAD:
        return f"shifts are assigned {MAX_AHEAD.days} days ahead at most"
    return None


def override_ends(now: dt.datetime, until: dt.datetime | None) -> dt.datetime:
    """When an override given at `now` ends: `until` (at most `MAX_OVERRIDE` later), or `MAX_OVERRIDE` from now."""
    latest = now + MAX_OVERRIDE
    return latest if until is None else min(until, latest)


def covering(assignments: Iterable[Assignment], unit: str, username: str, at: dt.datetime) -> Assignment | None:
    """The assignment (or override) that lets `username` log on to `unit` at `at`: not cancelled, and `at` within
    its shift (from `EARLY` before it). A planned assignment is preferred to an override."""
    fits = [
        a
        for a in assignments
        if a.unit == unit and a.username == username and not a.cancelled and a.starts_at - EARLY <= at < a.ends_at
    ]
    return min(fits, key=lambda a: (a.kind != "assignment", a.starts_at, a.id), default=None)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a person oversees: `command` None is everything (the administrator, a supervisor with no command, so
    that a small department needs no setup); otherwise the units and people of that command only."""

    command: str | None

    @property
    def everything(self) -> bool:
        return self.command is None

    def holds(self, command_of_it: str | None) -> bool:
        """Whether a unit or person that belongs to `command_of_it` (None: to no command) is in this scope."""
        return self.command is None or command_of_it == self.command


def scope_of(role: Role, own_command: str | None) -> Scope:
    """A supervisor oversees their own command (everything without one); every other role that reaches these pages
    (the administrator, auditors, equipment staff) is not limited to a command."""
    return Scope(own_command if role is Role.SUPERVISOR else None)


def overseers(supervisors: Mapping[str, str | None], command_of_it: str | None) -> list[str]:
    """The supervisors (user name: their command or None) whose scope holds a unit or person of `command_of_it`."""
    return sorted(name for name, command in supervisors.items() if Scope(command).holds(command_of_it))


def about(key: str) -> tuple[str, str] | None:
    """What a notice's key (`domain.notices.cause_key`: "unit car-12: …", "officer jsmith: …") is about: ("unit",
    name) or ("person", user name); None for a notice about neither (a hot list, an import)."""
    for prefix, kind in (("unit ", "unit"), ("officer ", "person")):
        if key.startswith(prefix) and ": " in key:
            name = key[len(prefix) :].split(": ", 1)[0]
            return (kind, name) if name else None
    return None


def per_supervisor(
    counts: Mapping[str, int], supervisors: Mapping[str, str | None], command_of: Mapping[str, str | None]
) -> list[tuple[str, int]]:
    """(supervisor, count) for counts per officer (e.g. outcomes not documented in LEAS, V.E.2f): each supervisor's
    sum over the officers their scope holds, the largest first; supervisors with none left out."""
    sums = {
        s: sum(n for officer, n in counts.items() if Scope(c).holds(command_of.get(officer)))
        for s, c in supervisors.items()
    }
    return sorted(((s, n) for s, n in sums.items() if n), key=lambda sn: (-sn[1], sn[0]))
