"""Who is assigned to a unit now, and who is in a supervisor's command (order V.E.2a, V.E.2g)."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.roles import Role
from platewatch.domain.supervision import (
    Assignment,
    Scope,
    about,
    covering,
    override_ends,
    overseers,
    per_supervisor,
    scope_of,
    shift_problem,
)

T = dt.datetime(2026, 12, 6, 7, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)

DAY = Assignment(1, "car-12", "jsmith", T, T + 8 * H)
NIGHT = Assignment(2, "car-12", "jsmith", T + 12 * H, T + 20 * H)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (T - 16 * dt.timedelta(minutes=1), None),  # earlier than 15 minutes before the shift
        (T - 15 * dt.timedelta(minutes=1), DAY),  # checking the car before the shift
        (T + 4 * H, DAY),
        (T + 8 * H, None),  # the shift has ended
        (T + 13 * H, NIGHT),
    ],
)
def test_an_officer_is_assigned_within_the_shift(at: dt.datetime, expected: Assignment | None) -> None:
    assert covering([DAY, NIGHT], "car-12", "jsmith", at) == expected


def test_another_unit_another_officer_or_a_cancelled_assignment_does_not_cover() -> None:
    cancelled = Assignment(3, "car-12", "mjones", T, T + 8 * H, cancelled=True)
    other_unit = Assignment(4, "car-14", "mjones", T, T + 8 * H)
    assert covering([DAY, cancelled, other_unit], "car-12", "mjones", T + H) is None
    assert covering([DAY], "car-14", "jsmith", T + H) is None


def test_an_assignment_is_preferred_to_an_override() -> None:
    override = Assignment(5, "car-12", "jsmith", T - H, T + 2 * H, kind="override")
    assert covering([override, DAY], "car-12", "jsmith", T + H) == DAY
    assert covering([override], "car-12", "jsmith", T) == override


@pytest.mark.parametrize(
    ("starts", "ends", "problem"),
    [
        (T, T + 8 * H, None),
        (T - 2 * H, T + 6 * H, None),  # a shift already under way
        (T, T, "the shift must end after it starts"),
        (T, T + 17 * H, "a shift is 16 hours at most"),
        (T - 9 * H, T - H, "the shift has already ended"),
        (T + 32 * 24 * H, T + 32 * 24 * H + 8 * H, "shifts are assigned 31 days ahead at most"),
    ],
)
def test_a_shift_has_sane_times(starts: dt.datetime, ends: dt.datetime, problem: str | None) -> None:
    assert shift_problem(starts, ends, T) == problem


def test_an_override_lasts_twelve_hours_at_most() -> None:
    assert override_ends(T, None) == T + 12 * H
    assert override_ends(T, T + 3 * H) == T + 3 * H
    assert override_ends(T, T + 30 * H) == T + 12 * H


def test_scope_of_a_supervisor_is_their_command_and_everything_without_one() -> None:
    assert scope_of(Role.SUPERVISOR, "North") == Scope("North")
    assert scope_of(Role.SUPERVISOR, None).everything
    assert scope_of(Role.ADMINISTRATOR, "North").everything  # the administrator oversees all commands
    north = Scope("North")
    assert north.holds("North") and not north.holds("South") and not north.holds(None)
    assert Scope(None).holds("South") and Scope(None).holds(None)


def test_notices_go_to_the_supervisors_whose_scope_holds_it() -> None:
    supervisors = {"sgt_north": "North", "sgt_south": "South", "lt_all": None}
    assert overseers(supervisors, "North") == ["lt_all", "sgt_north"]
    assert overseers(supervisors, None) == ["lt_all"]
    assert overseers({"sgt_north": "North"}, "South") == []


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("unit car-12: no contact for # h", ("unit", "car-12")),
        ("officer jsmith: reads outside an approved deployment", ("person", "jsmith")),
        ("hot list 3: older than # hours", None),
        ("import failure 17", None),
        ("unit : nameless", None),
    ],
)
def test_what_a_notice_is_about(key: str, expected: tuple[str, str] | None) -> None:
    assert about(key) == expected


def test_leas_gaps_per_supervisor_follow_the_command() -> None:
    counts = {"jsmith": 3, "mjones": 1, "akhan": 2}
    commands = {"jsmith": "North", "mjones": "South", "akhan": None}
    supervisors = {"sgt_north": "North", "sgt_south": "South", "lt_all": None, "sgt_east": "East"}
    assert per_supervisor(counts, supervisors, commands) == [("lt_all", 6), ("sgt_north", 3), ("sgt_south", 1)]
