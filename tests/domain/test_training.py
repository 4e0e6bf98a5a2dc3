"""Who is trained today (order V.B.1h, V.D.2): a course counts for a year, from the day it was completed."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.roles import TRAINED_PERMISSIONS, Permission
from platewatch.domain.training import Training, current, expiry, status

D = dt.date


def test_a_course_counts_for_a_year_including_its_last_day() -> None:
    assert expiry(D(2026, 3, 1)) == D(2027, 3, 1)
    course = Training("LPR operator", D(2026, 3, 1), D(2027, 3, 1))
    assert current([course], D(2026, 2, 28)) is None  # not yet
    assert current([course], D(2026, 3, 1)) == course
    assert current([course], D(2027, 3, 1)) == course
    assert current([course], D(2027, 3, 2)) is None


def test_the_course_that_counts_longest_is_the_current_one() -> None:
    old = Training("LPR operator", D(2025, 12, 1), D(2026, 12, 1))
    refresher = Training("LPR refresher", D(2026, 11, 20), D(2027, 11, 20))
    assert current([old, refresher], D(2026, 11, 30)) == refresher
    assert current([], D(2026, 11, 30)) is None


def test_standing_is_trained_due_or_untrained() -> None:
    course = Training("LPR operator", D(2026, 1, 10), D(2027, 1, 10))
    assert status([course], D(2026, 12, 10)) == "trained"  # 31 days left
    assert status([course], D(2026, 12, 11)) == "due"  # 30 days left: plan the next course
    assert status([course], D(2027, 1, 11)) == "untrained"
    assert status([], D(2026, 12, 1)) == "untrained"


def test_data_and_alert_work_need_training_but_an_account_does_not() -> None:
    needed = (Permission.SEARCH_READS, Permission.VIEW_ALERTS, Permission.DECIDE_ALERTS, Permission.VIEW_QUERY_LOG)
    assert all(p in TRAINED_PERMISSIONS for p in needed)
    for free in (Permission.VIEW_OWN_ACCOUNT, Permission.MANAGE_TRAINING, Permission.MANAGE_USERS):
        assert free not in TRAINED_PERMISSIONS  # the administrator can record the first course
