"""Day partitions of the reads: names, bounds, the days made ahead and the days a purge drops (ADR 0019)."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.read_days import bounds, day_of, day_of_partition, days_to_make, expired_days, partition_name

UTC = dt.UTC
D = dt.date


def test_a_day_is_a_utc_day_whatever_the_offset_of_the_instant() -> None:
    assert day_of(dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))) == D(2026, 12, 7)
    assert day_of(dt.datetime(2026, 12, 6, 0, 0, tzinfo=UTC)) == D(2026, 12, 6)
    with pytest.raises(ValueError, match="time zone"):
        day_of(dt.datetime(2026, 12, 6))


def test_bounds_are_utc_midnights_and_the_name_round_trips() -> None:
    assert bounds(D(2026, 12, 31)) == (dt.datetime(2026, 12, 31, tzinfo=UTC), dt.datetime(2027, 1, 1, tzinfo=UTC))
    assert partition_name(D(2026, 3, 8)) == "reads_20260308"
    assert day_of_partition("reads_20260308") == D(2026, 3, 8)
    assert day_of_partition("reads_default") is None
    assert day_of_partition("reads_20261341") is None  # no 13th month
    assert day_of_partition("reads_2026030") is None


def test_yesterday_today_and_the_week_ahead_are_made_once() -> None:
    now = dt.datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert days_to_make(now, set(), ahead=2) == [D(2026, 12, 5), D(2026, 12, 6), D(2026, 12, 7), D(2026, 12, 8)]
    assert days_to_make(now, {D(2026, 12, 5), D(2026, 12, 7)}, ahead=2) == [D(2026, 12, 6), D(2026, 12, 8)]
    assert len(days_to_make(now, set())) == 9


def test_only_days_that_ended_by_the_cutoff_are_dropped() -> None:
    days = {D(2026, 11, 20), D(2026, 11, 21), D(2026, 11, 22)}
    assert expired_days(days, dt.datetime(2026, 11, 22, tzinfo=UTC)) == [D(2026, 11, 20), D(2026, 11, 21)]
    assert expired_days(days, dt.datetime(2026, 11, 21, 23, 59, tzinfo=UTC)) == [D(2026, 11, 20)]
    assert expired_days(days, dt.datetime(2026, 11, 20, 23, 59, tzinfo=UTC)) == []
