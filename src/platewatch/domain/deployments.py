"""Deployment approvals (order V.A.2, V.E.1, III.8): which approval covers a read, whether its place is inside the
approved site, and the place a portable unit without GPS takes from it. Pure rules."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_SITE_RADIUS_M = 250.0
"""How far from an approved site's position a portable unit's GPS may put a read when the approval names no radius:
a trailer's GPS drifts tens of metres, and a site is a stretch of road, not a point."""
EARTH_RADIUS_M = 6_371_008.8


class Outside(StrEnum):
    """Why a read was taken outside any approved deployment."""

    NO_APPROVAL = "no_approval"  # no approval of its unit covered the read's time
    OFF_SITE = "off_site"  # a portable unit's GPS put it beyond the approved site's radius


@dataclass(frozen=True, slots=True)
class Approval:
    """An approval as the rules need it: its window and, for a portable unit's site, its fixed position."""

    id: int
    starts: dt.datetime
    ends: dt.datetime | None
    """The earlier of its own end (`valid_until`) and the moment it was ended or revised; None: open-ended."""
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None

    def covers(self, at: dt.datetime) -> bool:
        return self.starts <= at and (self.ends is None or at < self.ends)


@dataclass(frozen=True, slots=True)
class Placement:
    """What ingest stores about a read's deployment: the approval that covered it, its place, and any flag."""

    approval_id: int | None
    latitude: float | None
    longitude: float | None
    from_site: bool
    """The place is the approved site's fixed position, not the unit's GPS."""
    outside: Outside | None


def effective_end(valid_until: dt.datetime | None, ended_at: dt.datetime | None) -> dt.datetime | None:
    """When an approval stops covering reads: its own end or the moment it was ended, whichever comes first."""
    if valid_until is None:
        return ended_at
    if ended_at is None:
        return valid_until
    return min(valid_until, ended_at)


def window_problem(valid_from: dt.datetime, valid_until: dt.datetime | None) -> str | None:
    """Why an approval's window is not one (None when it is)."""
    if valid_until is not None and valid_until <= valid_from:
        return "valid_until must be after valid_from"
    return None


def covering(approvals: Sequence[Approval], at: dt.datetime) -> Approval | None:
    """The approval that covers `at`: of several (a revision that overlaps what it replaced), the newest."""
    best: Approval | None = None
    for a in approvals:
        if a.covers(at) and (best is None or a.id > best.id):
            best = a
    return best


def whole_span(approvals: Sequence[Approval], portable: bool, first: dt.datetime, last: dt.datetime) -> Approval | None:
    """The approval that decides every read from `first` to `last` alike, when there is one: the newest of `approvals`
    (those overlapping the span) covers all of it, and there is no site position to give or check (a patrol car, or an
    approval without position). Then each read keeps what the unit sent, unflagged, and nothing is decided per read."""
    if not approvals:
        return None
    newest = max(approvals, key=lambda a: a.id)
    if not (newest.covers(first) and newest.covers(last)):
        return None
    if portable and newest.latitude is not None and newest.longitude is not None:
        return None
    return newest


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def inside_site(approval: Approval, latitude: float, longitude: float) -> bool:
    """Whether a position is within the approved site's radius (the default radius when it names none); an approval
    with no fixed position (a patrol car's) has no site to be outside of."""
    if approval.latitude is None or approval.longitude is None:
        return True
    radius = approval.radius_m if approval.radius_m is not None else DEFAULT_SITE_RADIUS_M
    return distance_m(approval.latitude, approval.longitude, latitude, longitude) <= radius


def place(
    approvals: Sequence[Approval], portable: bool, at: dt.datetime, latitude: float | None, longitude: float | None
) -> Placement:
    """A read's deployment: no covering approval flags it; a portable unit's read without GPS takes the site's fixed
    position; a portable unit's GPS beyond the site's radius flags it. A patrol car is approved as a vehicle: its
    approval has no position, and only its time is checked."""
    approval = covering(approvals, at)
    if approval is None:
        return Placement(None, latitude, longitude, False, Outside.NO_APPROVAL)
    if not portable or approval.latitude is None or approval.longitude is None:
        return Placement(approval.id, latitude, longitude, False, None)
    if latitude is None or longitude is None:
        return Placement(approval.id, approval.latitude, approval.longitude, True, None)
    outside = None if inside_site(approval, latitude, longitude) else Outside.OFF_SITE
    return Placement(approval.id, latitude, longitude, False, outside)
