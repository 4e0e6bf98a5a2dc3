"""The rules behind the report's handling times: when an alarm starts, delays, their summary."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.alert_timings import DECISION_BANDS, DelaySummary, alarmed_at, banded, delay_seconds, summarize

CAPTURED = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
CREATED = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)


def test_an_alarm_starts_at_capture_unless_a_newer_hot_list_raised_it_later() -> None:
    assert alarmed_at("ingest", CAPTURED, CREATED) == CAPTURED
    assert alarmed_at("unit", CAPTURED, CREATED) == CAPTURED
    assert alarmed_at("retro", CAPTURED, CREATED) == CREATED


def test_a_delay_is_never_negative() -> None:
    assert delay_seconds(CAPTURED, CAPTURED + dt.timedelta(minutes=2, seconds=5)) == 125.0
    assert delay_seconds(CAPTURED, CAPTURED - dt.timedelta(seconds=40)) == 0.0  # a car clock running ahead


def test_summary_of_delays() -> None:
    assert summarize([]) == DelaySummary(0, None, None, None)
    assert summarize([30.0]) == DelaySummary(1, 30.0, 30.0, 30.0)
    assert summarize([40.0, 10.0]) == DelaySummary(2, 25.0, 40.0, 40.0)
    ten = [float(s) for s in range(10, 110, 10)]  # 10 .. 100
    assert summarize(reversed(ten)) == DelaySummary(10, 55.0, 90.0, 100.0)
    eleven = [*ten, 1000.0]
    assert summarize(eleven) == DelaySummary(11, 60.0, 100.0, 1000.0)


def test_decision_times_fall_in_bands_every_band_listed() -> None:
    counts = banded([0, 59.9, 60, 299, 900, 3599, 3600, 4 * 3600, 90_000])
    assert [words for words, _ in counts] == [words for words, _ in DECISION_BANDS]
    assert [n for _, n in counts] == [2, 2, 0, 2, 1, 2]
    assert [n for _, n in banded([])] == [0] * 6
