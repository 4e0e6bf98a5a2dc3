"""Notices that reach people (order V.C.1): one notice per cause, sent to those responsible, sent again until someone
acknowledges it, and closed when its cause is gone. Pure rules: what to open, send again and close."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Audience(StrEnum):
    """Who a cause concerns, and so who is told (each with its own addresses)."""

    HOTLISTS = "hotlists"  # the Program Administrator and designees: imports and lists
    UNITS = "units"  # supervisors and IT: units on patrol, their disk, clock, GPS and uploads


@dataclass(frozen=True, slots=True)
class Cause:
    """Something someone must act on, with a key that stays the same while it lasts."""

    key: str
    audience: Audience
    subject: str
    detail: str


@dataclass(frozen=True, slots=True)
class OpenNotice:
    """A notice not yet closed, as stored."""

    id: int
    key: str
    last_sent_at: dt.datetime | None
    acknowledged: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """What one round of checks does."""

    open: list[Cause] = field(default_factory=list)
    """New causes: a notice each, sent now."""
    send_again: list[int] = field(default_factory=list)
    """Notices not acknowledged whose last sending is `repeat` old (or that were never sent: the relay failed)."""
    close: list[int] = field(default_factory=list)
    """Notices whose cause is gone."""


def cause_key(scope: str, sentence: str) -> str:
    """A key for a cause described by `sentence` about `scope` (a unit, a list) that does not change with the figures in
    it ('hot list not updated for 26 h' and '... for 27 h' are the same cause)."""
    return f"{scope}: {re.sub(r'[0-9]+', '#', sentence)}"[:200]


def plan(open_notices: Iterable[OpenNotice], causes: Sequence[Cause], now: dt.datetime, repeat: dt.timedelta) -> Plan:
    """One round: a cause with no open notice opens one; an open notice whose cause is gone closes; one that is still
    there and not acknowledged is sent again once `repeat` has passed since its last sending."""
    by_key = {n.key: n for n in open_notices}
    wanted = {c.key: c for c in causes}
    result = Plan()
    for key, cause in wanted.items():
        if key not in by_key:
            result.open.append(cause)
    for key, notice in by_key.items():
        if key not in wanted:
            result.close.append(notice.id)
        elif not notice.acknowledged and (notice.last_sent_at is None or now - notice.last_sent_at >= repeat):
            result.send_again.append(notice.id)
    return result


ADDRESS = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.]+")
"""One plain e-mail address (local@domain.tld): no name, no list, no spaces."""


def address_problem(text: str) -> str | None:
    """What is wrong with a person's e-mail address (None: nothing; an empty one is none)."""
    if text and (len(text) > 254 or ADDRESS.fullmatch(text) is None):
        return f"{text[:60]!r} is not one e-mail address such as sgt.north@town.gov"
    return None


def addresses(text: str) -> list[str]:
    """The e-mail addresses in a setting (separated by commas, semicolons or spaces), in order, without repeats."""
    out: list[str] = []
    for part in re.split(r"[,;\s]+", text):
        if part and part not in out:
            out.append(part)
    return out
