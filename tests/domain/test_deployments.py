"""The deployment rules with literal inputs (order V.A.2, V.E.1, III.8): which approval covers a read, whether a
position is inside the approved site, and the site's position for a portable unit without GPS."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.deployments import (
    DEFAULT_SITE_RADIUS_M,
    Approval,
    Outside,
    Placement,
    covering,
    distance_m,
    effective_end,
    inside_site,
    place,
    whole_span,
    window_problem,
)

T = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
# Main Street and Elm, Westport CT; 0.001 degree of latitude is about 111 m.
SITE = Approval(1, T - DAY, T + DAY, 41.1400, -73.3600, 200.0)
CAR = Approval(2, T - DAY, None)  # a patrol car: approved as a vehicle, no position


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (T - DAY, True),  # the first instant is covered
        (T, True),
        (T + DAY - dt.timedelta(microseconds=1), True),
        (T + DAY, False),  # the end is not
        (T - DAY - dt.timedelta(seconds=1), False),
    ],
)
def test_an_approval_covers_its_window_from_its_start_up_to_its_end(at: dt.datetime, expected: bool) -> None:
    assert SITE.covers(at) is expected


def test_an_open_ended_approval_covers_everything_after_its_start() -> None:
    assert CAR.covers(T + 400 * DAY)
    assert not CAR.covers(T - 2 * DAY)


@pytest.mark.parametrize(
    ("until", "ended", "expected"),
    [
        (None, None, None),
        (T, None, T),
        (None, T, T),
        (T + DAY, T, T),  # ended before its own end
        (T, T + DAY, T),  # ended after it had run out
    ],
)
def test_an_approval_ends_at_its_own_end_or_when_it_was_ended_whichever_first(
    until: dt.datetime | None, ended: dt.datetime | None, expected: dt.datetime | None
) -> None:
    assert effective_end(until, ended) == expected


def test_a_window_must_end_after_it_starts() -> None:
    assert window_problem(T, None) is None
    assert window_problem(T, T + DAY) is None
    assert window_problem(T, T) == "valid_until must be after valid_from"
    assert window_problem(T, T - DAY) == "valid_until must be after valid_from"


def test_of_overlapping_approvals_the_newest_covers_a_read() -> None:
    old = Approval(5, T - 10 * DAY, None, 41.0, -73.0)
    revised = Approval(9, T - DAY, None, 41.2, -73.2)
    assert covering([old, revised], T) == revised
    assert covering([revised, old], T) == revised
    assert covering([old, revised], T - 5 * DAY) == old
    assert covering([old, revised], T - 11 * DAY) is None
    assert covering([], T) is None


def test_distances_on_the_ground() -> None:
    assert distance_m(41.14, -73.36, 41.14, -73.36) == 0.0
    assert distance_m(41.140, -73.36, 41.141, -73.36) == pytest.approx(111.2, abs=0.5)
    # New Haven to Hartford, about 54 km
    assert distance_m(41.3083, -72.9279, 41.7658, -72.6734) == pytest.approx(54_700, rel=0.02)


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (41.1400, -73.3600, True),
        (41.1417, -73.3600, True),  # about 189 m north: inside 200 m
        (41.1419, -73.3600, False),  # about 211 m
        (41.2000, -73.3600, False),
    ],
)
def test_a_position_is_inside_the_site_within_its_radius(lat: float, lon: float, expected: bool) -> None:
    assert inside_site(SITE, lat, lon) is expected


def test_a_site_without_a_radius_takes_the_default_and_an_approval_without_position_has_no_site() -> None:
    no_radius = Approval(3, T - DAY, None, 41.14, -73.36)
    assert DEFAULT_SITE_RADIUS_M == 250.0
    assert inside_site(no_radius, 41.1422, -73.36)  # about 245 m
    assert not inside_site(no_radius, 41.1423, -73.36)  # about 256 m
    assert inside_site(CAR, 10.0, 10.0)


def test_a_portable_unit_without_gps_takes_the_sites_fixed_position() -> None:
    assert place([SITE], True, T, None, None) == Placement(1, 41.14, -73.36, True, None)


def test_a_portable_units_gps_inside_the_site_is_kept_and_outside_it_is_flagged() -> None:
    assert place([SITE], True, T, 41.1405, -73.3601) == Placement(1, 41.1405, -73.3601, False, None)
    assert place([SITE], True, T, 41.2, -73.36) == Placement(1, 41.2, -73.36, False, Outside.OFF_SITE)


def test_a_read_no_approval_covers_is_flagged_and_keeps_what_the_unit_sent() -> None:
    assert place([SITE], True, T + 2 * DAY, None, None) == Placement(None, None, None, False, Outside.NO_APPROVAL)
    assert place([], False, T, 41.0, -73.0) == Placement(None, 41.0, -73.0, False, Outside.NO_APPROVAL)


def test_a_patrol_car_is_checked_by_time_only() -> None:
    assert place([CAR], False, T, 42.0, -72.0) == Placement(2, 42.0, -72.0, False, None)
    assert place([CAR], False, T, None, None) == Placement(2, None, None, False, None)
    # a mobile unit never takes a site's position, even under an approval that names one
    assert place([SITE], False, T, None, None) == Placement(1, None, None, False, None)


def test_a_portable_approval_recorded_without_position_checks_time_only() -> None:
    legacy = Approval(7, T - DAY, None)  # migrated from the old free-text `approved_for`
    assert place([legacy], True, T, None, None) == Placement(7, None, None, False, None)


def test_a_batch_inside_one_approval_with_nothing_to_check_per_read_is_decided_once() -> None:
    first, last = T - dt.timedelta(hours=1), T
    assert whole_span([CAR], False, first, last) == CAR
    # a read of the batch before the approval began, or after it ended: decided per read
    assert whole_span([CAR], False, T - 2 * DAY, last) is None
    assert whole_span([Approval(4, T - DAY, T - dt.timedelta(minutes=30))], False, first, last) is None
    # a newer approval overlapping part of the batch decides some of its reads: per read
    assert whole_span([CAR, Approval(8, T - dt.timedelta(minutes=10), None)], False, first, last) is None
    # a portable unit's site has positions to give and check: per read
    assert whole_span([SITE], True, first, last) is None
    assert whole_span([Approval(7, T - DAY, None)], True, first, last) is not None  # no position recorded
    assert whole_span([], False, first, last) is None
    # and it decides exactly as the rule per read would
    at = T - dt.timedelta(minutes=5)
    assert place([CAR], False, at, 41.0, -73.0) == Placement(CAR.id, 41.0, -73.0, False, None)
