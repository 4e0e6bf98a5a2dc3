"""Retention rules with literal times and versions."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.retention import ListVersion, RetentionPolicy, purgeable_versions, versions_in_force

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
