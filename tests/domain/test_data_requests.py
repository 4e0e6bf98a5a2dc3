"""The data-request rules with literal inputs: the steps (V.D.7-8), the town's agencies (V.D.6), the register's
retention (V.D.9)."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.data_requests import in_town, kept_until, may_delete, outside_reason, step_problem

OWN = "New Canaan Police Department"
TOWN = ("New Canaan Fire Marshal", "Town of New Canaan")


def test_a_request_is_reviewed_then_fulfilled_or_closed() -> None:
    assert step_problem("received", "approved") is None
    assert step_problem("received", "denied") is None
    assert step_problem("approved", "fulfilled") is None
    assert step_problem("approved", "closed") is None


@pytest.mark.parametrize(
    ("current", "wanted", "says"),
    [
        ("received", "fulfilled", "must be approved before it is fulfilled"),
        ("received", "closed", "must be approved before it is closed"),
        ("approved", "denied", "reviewed already"),
        ("approved", "approved", "reviewed already"),
        ("denied", "approved", "final"),
        ("denied", "fulfilled", "final"),
        ("fulfilled", "closed", "final"),
        ("closed", "fulfilled", "final"),
    ],
)
def test_a_step_out_of_order_is_refused_with_the_reason(current: str, wanted: str, says: str) -> None:
    problem = step_problem(current, wanted)
    assert problem is not None and says in problem


def test_only_the_department_and_the_towns_agencies_are_in_town() -> None:
    assert in_town("New Canaan Police Department", OWN, TOWN)
    assert in_town("  new canaan police   department ", OWN, TOWN)
    assert in_town("Town of New Canaan", OWN, TOWN)
    assert in_town("New Canaan Fire Marshal.", OWN, TOWN)
    assert not in_town("Stamford Police Department", OWN, TOWN)
    assert not in_town("Connecticut State Police", OWN, TOWN)
    assert not in_town("New Canaan Police", OWN, TOWN)  # a name that is not on the list is not guessed at
    assert not in_town("", OWN, TOWN)
    assert not in_town("  ", OWN, ("",))


def test_an_outside_denial_names_the_agency_and_the_order() -> None:
    reason = outside_reason(" Stamford Police Department ")
    assert "Stamford Police Department is outside the town" in reason and "V.D.6" in reason


def test_a_request_is_kept_for_the_current_year_plus_one() -> None:
    assert kept_until(dt.date(2026, 3, 2), dt.date(2026, 3, 20)) == dt.date(2027, 12, 31)
    assert kept_until(dt.date(2026, 12, 30), dt.date(2027, 1, 4)) == dt.date(2028, 12, 31)  # its last step counts
    assert kept_until(dt.date(2026, 3, 2), None) is None  # open: kept whatever its age


@pytest.mark.parametrize(
    ("received", "finished", "today", "deleted"),
    [
        (dt.date(2025, 1, 2), dt.date(2025, 1, 9), dt.date(2026, 12, 31), False),  # the year after: still kept
        (dt.date(2025, 1, 2), dt.date(2025, 1, 9), dt.date(2027, 1, 1), True),
        (dt.date(2025, 12, 31), dt.date(2025, 12, 31), dt.date(2026, 12, 31), False),
        (dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2027, 1, 1), False),  # finished in the new year
        (dt.date(2020, 1, 2), None, dt.date(2026, 12, 1), False),  # never finished: never deleted
    ],
)
def test_the_purge_deletes_a_request_only_past_its_year_plus_one(
    received: dt.date, finished: dt.date | None, today: dt.date, deleted: bool
) -> None:
    assert may_delete(received, finished, today) is deleted
