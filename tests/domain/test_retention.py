"""Retention rules with literal times and versions."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.retention import HoldScope, ListVersion, RetentionPolicy, purgeable_versions, versions_in_force

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def test_a_read_expires_fourteen_days_after_its_capture() -> None:
    policy = RetentionPolicy(14)
    assert policy.cutoff(NOW) == dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC)
    assert policy.expired(dt.datetime(2026, 11, 16, 11, 59, tzinfo=dt.UTC), NOW, held=False)
    assert not policy.expired(dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC), NOW, held=False)  # exactly 14 days
    assert not policy.expired(dt.datetime(2026, 10, 1, tzinfo=dt.UTC), NOW, held=True)  # a legal hold keeps it


def test_a_backup_goes_when_every_read_in_it_has_expired() -> None:
    policy = RetentionPolicy(14)
    assert policy.backup_expired(dt.datetime(2026, 11, 16, 11, 59, tzinfo=dt.UTC), NOW)
    assert not policy.backup_expired(dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC), NOW)
    assert RetentionPolicy(7).backup_expired(dt.datetime(2026, 11, 20, tzinfo=dt.UTC), NOW)


def test_bad_policies_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        RetentionPolicy(0)
    with pytest.raises(ValueError, match="time zone"):
        RetentionPolicy(14).cutoff(dt.datetime(2026, 11, 30))


def test_versions_in_force_at_a_global_version() -> None:
    by_list = {1: [1, 4, 9], 2: [2, 3, 7], 3: [8]}
    assert versions_in_force(5, by_list) == {4, 3}  # list 3 did not exist yet
    assert versions_in_force(9, by_list) == {9, 7, 8}
    assert versions_in_force(1, by_list) == {1}


def _v(version: int, hotlist: int, day: int) -> ListVersion:
    return ListVersion(version, hotlist, dt.datetime(2026, 11, day, tzinfo=dt.UTC))


def test_purgeable_versions_keep_what_kept_reads_and_alerts_saw() -> None:
    versions = [_v(1, 1, 1), _v(2, 2, 1), _v(3, 1, 2), _v(4, 1, 3), _v(5, 2, 4), _v(6, 1, 20)]
    cutoff = dt.datetime(2026, 11, 16, tzinfo=dt.UTC)
    # No kept reads or alerts: every replaced version goes, except 4, replaced by 6 after the cutoff.
    assert purgeable_versions(versions, [], [], cutoff) == {1, 3, 2}
    # A kept read compared against global version 3 saw list 1's version 3 and list 2's version 2.
    assert purgeable_versions(versions, [3], [], cutoff) == {1}
    # A kept alert names version 1.
    assert purgeable_versions(versions, [], [1], cutoff) == {3, 2}
    # Newest versions (6 of list 1, 5 of list 2) are never purgeable.
    assert not {5, 6} & purgeable_versions(versions, [], [], dt.datetime(2027, 1, 1, tzinfo=dt.UTC))


def _utc(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)


def test_a_hold_catches_late_reads_captured_before_it_was_placed() -> None:
    hold = HoldScope("6ZR4117", _utc(10), _utc(20), placed_at=_utc(15, 12))
    assert hold.catches_late_read("6ZR4117", _utc(10))  # the window's first instant
    assert hold.catches_late_read("6ZR4117", _utc(15, 11))  # captured before the hold, stored after it
    assert not hold.catches_late_read("6ZR4117", _utc(15, 12))  # captured once the hold was placed
    assert not hold.catches_late_read("6ZR4117", _utc(18))  # in the window, but after placing: no following
    assert not hold.catches_late_read("6ZR4117", _utc(9, 23))  # before the window
    assert not hold.catches_late_read("6ZR4118", _utc(12))  # another plate


def test_a_hold_without_a_window_catches_what_was_captured_before_it() -> None:
    hold = HoldScope("AR55K", None, None, placed_at=_utc(15))
    assert hold.catches_late_read("AR55K", _utc(1))
    assert not hold.catches_late_read("AR55K", _utc(15))
    past = HoldScope("AR55K", None, _utc(5), placed_at=_utc(15))  # a window that ended before the hold
    assert past.catches_late_read("AR55K", _utc(4, 23)) and not past.catches_late_read("AR55K", _utc(5))
