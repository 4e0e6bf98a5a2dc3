"""Requests for LPR data (order V.D.6-9): the steps a request goes through, who may ask (no release outside the town),
and how long the register keeps it: pure rules."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Status(StrEnum):
    """Where a request stands: received, then approved or denied by the Program Administrator or a designee, then
    (once approved) fulfilled or closed."""

    RECEIVED = "received"
    APPROVED = "approved"
    DENIED = "denied"
    FULFILLED = "fulfilled"
    CLOSED = "closed"


NEXT: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.APPROVED, Status.DENIED}),
    Status.APPROVED: frozenset({Status.FULFILLED, Status.CLOSED}),
    Status.DENIED: frozenset(),
    Status.FULFILLED: frozenset(),
    Status.CLOSED: frozenset(),
}
"""The steps each status may take; denied, fulfilled and closed are final."""

FINAL = frozenset(s for s, after in NEXT.items() if not after)


def step_problem(current: str, wanted: str) -> str | None:
    """Why a request that is `current` cannot become `wanted` (None: it can)."""
    if Status(wanted) in NEXT[Status(current)]:
        return None
    if Status(current) in FINAL:
        return f"the request is already {current}: its status is final"
    if Status(wanted) in (Status.FULFILLED, Status.CLOSED):
        return f"the request is {current}: it must be approved before it is {wanted}"
    return f"the request is {current}: it was reviewed already"


def _plain(name: str) -> str:
    return " ".join(name.casefold().replace(".", " ").split())


def in_town(agency: str, own_agency: str, town_agencies: tuple[str, ...]) -> bool:
    """V.D.6: the requesting agency is the department itself or one of the town's agencies (case, dots and spacing
    do not matter); any other agency or jurisdiction is outside New Canaan."""
    asked = _plain(agency)
    return bool(asked) and asked in {_plain(a) for a in (own_agency, *town_agencies) if a.strip()}


def outside_reason(agency: str) -> str:
    """The recorded reason of the automatic denial of a request from outside the town."""
    return (
        f"denied automatically: {agency.strip()} is outside the town, and LPR data is not shared with agencies or "
        "jurisdictions outside of New Canaan (order V.D.6)"
    )


def kept_until(received: dt.date, finished: dt.date | None) -> dt.date | None:
    """V.D.9: the last day the register must keep a request: the end of the calendar year after the year of its last
    step (received, or its final status); None while it is open (kept, whatever its age)."""
    if finished is None:
        return None
    last = max(received, finished)
    return dt.date(last.year + 1, 12, 31)


def may_delete(received: dt.date, finished: dt.date | None, today: dt.date) -> bool:
    """True when the purge may delete the request: it is final, and the current year plus one of its last step has
    passed (all dates in the agency's calendar)."""
    until = kept_until(received, finished)
    return until is not None and today > until
