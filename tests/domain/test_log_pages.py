"""The logs' filters and page cursors (issue 24, item 8): the agency's days as UTC windows, and bad values named."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from platewatch.domain.log_pages import Cursor, FilterError, LogFilter, log_filter, parse_cursor, purge_filter

NY = ZoneInfo("America/New_York")


def test_days_are_the_agencys_both_included() -> None:
    f = log_filter(NY, from_date="2026-11-01", to_date="2026-11-01")  # the day the clocks go back: 25 hours
    assert f.since == dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC)
    assert f.until == dt.datetime(2026, 11, 2, 5, tzinfo=dt.UTC)
    assert log_filter(ZoneInfo("UTC"), to_date="2026-12-06").until == dt.datetime(2026, 12, 7, tzinfo=dt.UTC)


def test_days_and_instants_together_keep_the_narrower_window() -> None:
    late = dt.datetime(2026, 12, 6, 15, tzinfo=dt.UTC)
    f = log_filter(NY, from_date="2026-12-06", to_date="2026-12-06", since=late)
    assert (f.since, f.until) == (late, dt.datetime(2026, 12, 7, 5, tzinfo=dt.UTC))


def test_empty_values_are_no_criterion_and_text_is_trimmed() -> None:
    assert log_filter(NY, username="", purpose="  ", action="", from_date="") == LogFilter()
    f = log_filter(NY, username=" officer.alpha ", purpose="Amber", action="view_read", outcome="refused")
    assert f == LogFilter(username="officer.alpha", purpose="Amber", action="view_read", outcome="refused")
    assert f.described() == "user officer.alpha; purpose Amber; action view_read; outcome refused"
    assert LogFilter().described() == "none"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"action": "delete"}, "action"),
        ({"outcome": "fine"}, "outcome"),
        ({"from_date": "2026-02-30"}, "from_date"),
        ({"to_date": "12/06/2026"}, "to_date"),
        ({"from_date": "2026-12-07", "to_date": "2026-12-06"}, "to_date"),
        ({"username": "x" * 65}, "username"),
        ({"case_number": "9" * 41}, "case_number"),
        ({"since": dt.datetime(2026, 12, 6, tzinfo=dt.UTC), "until": dt.datetime(2026, 12, 5, tzinfo=dt.UTC)}, "until"),
    ],
)
def test_a_bad_value_names_its_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(FilterError) as caught:
        log_filter(NY, **values)  # type: ignore[arg-type]
    assert caught.value.field == field and str(caught.value).startswith(field + ": ")


def test_cursors_read_back_what_pages_write() -> None:
    assert parse_cursor(Cursor(True, 123).text()) == Cursor(True, 123)
    assert parse_cursor("newer-9") == Cursor(False, 9) and parse_cursor("") is None and parse_cursor(None) is None
    for bad in ("older-", "older-0", "older--5", "sideways-3", "older-١٢", f"older-{2**63}", "older-1.5"):
        with pytest.raises(FilterError, match=r"^cursor: "):
            parse_cursor(bad)


def test_the_purge_logs_criteria() -> None:
    f = purge_filter(NY, ran_by="cli", dry_run="yes", from_date="2026-12-01")
    assert (f.ran_by, f.dry_run, f.until) == ("cli", True, None)
    assert f.described() == "ran by cli; dry runs; from 2026-12-01T05:00:00+00:00"
    assert purge_filter(NY, dry_run="no").dry_run is False and purge_filter(NY).dry_run is None
    with pytest.raises(FilterError, match=r"^dry_run: "):
        purge_filter(NY, dry_run="maybe")
