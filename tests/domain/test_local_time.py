"""The agency's local time with literal instants: shown with its zone, days that begin at the agency's midnight, and
the hours that repeat or vanish when the clocks change (America/New_York, 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.local_time import day_start, local_day_of_hour, shown, shown_day, with_offset, zone

NY = zone("America/New_York")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_times_are_shown_on_the_agencys_clock_with_its_zone() -> None:
    assert shown(utc(2026, 12, 6, 9, 3), NY) == "2026-12-06 04:03 EST"
    assert shown(utc(2026, 7, 4, 1, 30, 15), NY, seconds=True) == "2026-07-03 21:30:15 EDT"
    assert shown(dt.datetime(2026, 12, 6, 9, 3), NY) == "2026-12-06 04:03 EST"  # naive, as SQLite gives it: UTC
    assert shown(None, NY, empty="never") == "never" and shown_day(None, NY) == ""
    assert shown_day(utc(2026, 12, 6, 3, 0), NY) == "2026-12-05"  # 22:00 the evening before
    assert with_offset(utc(2026, 12, 6, 9, 3), NY) == "2026-12-06T04:03:00-05:00"


def test_the_hour_that_repeats_in_november_is_told_apart() -> None:
    first, second = utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)
    assert shown(first, NY) == "2026-11-01 01:30 EDT" and shown(second, NY) == "2026-11-01 01:30 EST"
    assert with_offset(first, NY).endswith("-04:00") and with_offset(second, NY).endswith("-05:00")


def test_days_begin_at_the_agencys_midnight_and_last_23_or_25_hours_when_clocks_change() -> None:
    assert day_start(dt.date(2026, 12, 6), NY) == utc(2026, 12, 6, 5)
    assert day_start(dt.date(2026, 7, 4), NY) == utc(2026, 7, 4, 4)
    assert day_start(dt.date(2026, 3, 9), NY) - day_start(dt.date(2026, 3, 8), NY) == dt.timedelta(hours=23)
    assert day_start(dt.date(2026, 11, 2), NY) - day_start(dt.date(2026, 11, 1), NY) == dt.timedelta(hours=25)
    assert local_day_of_hour(utc(2026, 12, 6, 4), NY) == dt.date(2026, 12, 5)
    assert local_day_of_hour(utc(2026, 12, 6, 5), NY) == dt.date(2026, 12, 6)


def test_a_name_that_is_no_iana_zone_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'Eastern' is not an IANA time zone name"):
        zone("Eastern")
    assert zone("UTC").key == "UTC"
