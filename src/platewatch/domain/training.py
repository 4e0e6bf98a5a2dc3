"""Training of the people who reach LPR data (order V.B.1f-h, V.D.2, V.E.2c-d): who is trained today (pure rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

VALID_DAYS = 365
"""Training is repeated at least annually (V.B.1h): a course counts for a year from the day it was completed."""
DUE_SOON_DAYS = 30
"""A person whose training ends within this many days is listed as due, so the next course can be planned."""


@dataclass(frozen=True, slots=True)
class Training:
    """One completed course: documented as V.B.1g asks."""

    course: str
    completed_on: dt.date
    expires_on: dt.date


def expiry(completed_on: dt.date, valid_days: int = VALID_DAYS) -> dt.date:
    """The last day a course completed on `completed_on` counts."""
    return completed_on + dt.timedelta(days=valid_days)


def current(records: Iterable[Training], today: dt.date) -> Training | None:
    """The course that makes a person trained today (the one that counts longest), or None."""
    valid = [r for r in records if r.completed_on <= today <= r.expires_on]
    return max(valid, key=lambda r: r.expires_on, default=None)


def status(records: Iterable[Training], today: dt.date, due_days: int = DUE_SOON_DAYS) -> str:
    """`trained`, `due` (trained, for `due_days` more days at most) or `untrained`."""
    now = current(records, today)
    if now is None:
        return "untrained"
    return "due" if (now.expires_on - today).days <= due_days else "trained"
