"""Restricted users (order IV.B.4): which reads a person limited to areas and a time window may see."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.geo import edges, in_polygon, inside
from platewatch.domain.restrictions import Restriction, admits, bounds, check, window

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
SQUARE = ((41.0, -73.6), (41.0, -73.4), (41.2, -73.4), (41.2, -73.6))
L_SHAPE = ((41.0, -73.0), (41.0, -72.8), (41.1, -72.8), (41.1, -72.9), (41.2, -72.9), (41.2, -73.0))
"""An L: the corner (41.15, -72.85) is in its box, not in it."""


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (41.05, -72.95, True), (41.05, -72.85, True), (41.15, -72.95, True),
        (41.15, -72.85, False), (41.25, -72.95, False), (40.99, -72.9, False),
    ],
)  # fmt: skip
def test_inside_agrees_with_ray_casting_off_the_edges(lat: float, lon: float, expected: bool) -> None:
    assert inside(lat, lon, list(L_SHAPE)) is expected
    assert in_polygon(lat, lon, list(L_SHAPE)) is expected


def test_horizontal_edges_are_not_crossable() -> None:
    assert len(edges(list(SQUARE))) == 2  # the two vertical sides of the square
    assert len(edges(list(L_SHAPE))) == 3


@pytest.mark.parametrize(
    ("lat", "lon", "age", "expected"),
    [
        (41.1, -73.5, dt.timedelta(days=1), True),
        (41.05, -72.95, dt.timedelta(days=1), True),  # in the second area
        (41.15, -72.85, dt.timedelta(days=1), False),  # the L's notch
        (41.3, -73.5, dt.timedelta(days=1), False),
        (None, None, dt.timedelta(days=1), False),  # a read without a position is in no area
        (41.1, -73.5, dt.timedelta(days=31), False),  # older than 30 days
    ],
)
def test_areas_and_age(lat: float | None, lon: float | None, age: dt.timedelta, expected: bool) -> None:
    rule = Restriction(areas=(SQUARE, L_SHAPE), newer_than_days=30)
    assert admits(rule, lat, lon, NOW - age, NOW) is expected


def test_a_window_alone_admits_reads_anywhere_inside_it() -> None:
    start, end = NOW - dt.timedelta(days=10), NOW - dt.timedelta(days=2)
    rule = Restriction(captured_from=start, captured_until=end)
    assert admits(rule, None, None, start, NOW)
    assert not admits(rule, 41.1, -73.5, end, NOW)  # the end is exclusive
    assert not admits(rule, 41.1, -73.5, start - dt.timedelta(seconds=1), NOW)


def test_the_later_of_the_start_and_the_age_limit_holds() -> None:
    early = NOW - dt.timedelta(days=90)
    assert window(Restriction(captured_from=early, newer_than_days=7), NOW) == (NOW - dt.timedelta(days=7), None)
    late = NOW - dt.timedelta(days=1)
    assert window(Restriction(captured_from=late, newer_than_days=7), NOW) == (late, None)


def test_bounds_cover_every_area() -> None:
    box = bounds(Restriction(areas=(SQUARE, L_SHAPE)))
    assert box is not None
    assert (box.min_lat, box.min_lon, box.max_lat, box.max_lon) == (41.0, -73.6, 41.2, -72.8)
    assert bounds(Restriction(newer_than_days=3)) is None


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        (Restriction(), "at least one"),
        (Restriction(newer_than_days=0), "1 to"),
        (Restriction(captured_from=NOW, captured_until=NOW), "before"),
        (Restriction(captured_from=dt.datetime(2026, 1, 1)), "time zone"),
        (Restriction(areas=(((41.0, -73.0), (41.1, -73.0)),)), "three corners"),
    ],
)
def test_bad_restrictions_are_named(rule: Restriction, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check(rule)
