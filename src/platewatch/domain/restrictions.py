"""Restricted users (order IV.B.4): a person limited to saved areas and a time window sees only the reads inside
both; the pure rules that the database filter (`server/areas/scope.py`) mirrors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from platewatch.domain.geo import BBox, inside, polygon_bbox

MAX_DAYS = 3660
"""`newer_than_days` at most ten years: longer says nothing that no limit does not."""

Polygon = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Restriction:
    """What one person may see: reads in any of `areas` (none: anywhere), captured in [captured_from, captured_until)
    (each bound optional), and no older than `newer_than_days` before the moment of the request."""

    areas: tuple[Polygon, ...] = ()
    captured_from: dt.datetime | None = None
    captured_until: dt.datetime | None = None
    newer_than_days: int | None = None

    @property
    def limits_anything(self) -> bool:
        return bool(self.areas) or self.window_limited

    @property
    def window_limited(self) -> bool:
        return self.captured_from is not None or self.captured_until is not None or self.newer_than_days is not None


def check(r: Restriction) -> Restriction:
    """Raise ValueError naming what is wrong: a bound without a zone, an empty window, a day count out of range."""
    for name, value in (("captured_from", r.captured_from), ("captured_until", r.captured_until)):
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name}: give a time zone (e.g. 2026-11-28T00:00:00Z)")
    if r.captured_from is not None and r.captured_until is not None and r.captured_from >= r.captured_until:
        raise ValueError("captured_from must be before captured_until")
    if r.newer_than_days is not None and not 1 <= r.newer_than_days <= MAX_DAYS:
        raise ValueError(f"newer_than_days: 1 to {MAX_DAYS}")
    for polygon in r.areas:
        if len(polygon) < 3:
            raise ValueError("an area needs at least three corners")
    if not r.limits_anything:
        raise ValueError("a restriction limits areas, a time window or an age: give at least one")
    return r


def window(r: Restriction, now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The captured-at bounds [start, end) in force at `now` (None: unbounded on that side)."""
    start = r.captured_from
    if r.newer_than_days is not None:
        cutoff = now - dt.timedelta(days=r.newer_than_days)
        start = cutoff if start is None else max(start, cutoff)
    return start, r.captured_until


def bounds(r: Restriction) -> BBox | None:
    """The box around all the restriction's areas (None: no area limit): the index-friendly part of the filter."""
    if not r.areas:
        return None
    boxes = [polygon_bbox(list(p)) for p in r.areas]
    return BBox(
        min(b.min_lat for b in boxes), min(b.min_lon for b in boxes),
        max(b.max_lat for b in boxes), max(b.max_lon for b in boxes),
    )  # fmt: skip


def admits(r: Restriction, lat: float | None, lon: float | None, captured_at: dt.datetime, now: dt.datetime) -> bool:
    """True when a read taken at `captured_at` at (lat, lon) is one the restricted person may see at `now`. A read
    without a position is outside every area."""
    start, end = window(r, now)
    if (start is not None and captured_at < start) or (end is not None and captured_at >= end):
        return False
    if not r.areas:
        return True
    if lat is None or lon is None:
        return False
    return any(inside(lat, lon, list(p)) for p in r.areas)
