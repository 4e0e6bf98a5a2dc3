"""Repeat suppression with literal inputs: the same unit, list and listed vehicle within the window is counted on the
alert that stands; another unit, another list, a more urgent hit or a pass after the window is an alert."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.alert_repeats import DEFAULT_WINDOW, Sighting, repeats, sort_out, standing_for

T = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)
ALERT = Sighting("car-12", "3", "7XYZ890", "CT", 2, T)


def seen(**change: object) -> Sighting:
    base: dict[str, object] = {"unit": "car-12", "list_id": "3", "plate": "7XYZ890", "state": "CT", "priority": 2}
    base.update(change)
    base.setdefault("at", T + 4 * MIN)
    return Sighting(**base)  # type: ignore[arg-type]


def test_the_default_window_is_ten_minutes() -> None:
    assert dt.timedelta(minutes=10) == DEFAULT_WINDOW


def test_same_unit_list_and_plate_within_the_window_is_a_repeat() -> None:
    assert repeats(seen(), ALERT)
    assert repeats(seen(at=T + 9 * MIN + dt.timedelta(seconds=59)), ALERT)
    assert repeats(seen(at=T - 2 * MIN), ALERT)  # a pass uploaded late, captured before the alert's


def test_after_the_window_a_new_alert_stands() -> None:
    assert not repeats(seen(at=T + 10 * MIN), ALERT)
    assert not repeats(seen(at=T + 45 * MIN), ALERT)


def test_never_across_units_lists_or_listed_vehicles() -> None:
    assert not repeats(seen(unit="car-7"), ALERT)
    assert not repeats(seen(list_id="4"), ALERT)
    assert not repeats(seen(plate="7XYZ891"), ALERT)
    assert not repeats(seen(state="NY"), ALERT)


def test_never_a_more_urgent_hit() -> None:
    assert not repeats(seen(priority=1), ALERT)  # e.g. the alert stood with a state mismatch, this pass has none
    assert repeats(seen(priority=2), ALERT)
    assert repeats(seen(priority=5), ALERT)  # a less urgent pass of the same vehicle is counted


def test_a_window_of_zero_suppresses_nothing() -> None:
    assert not repeats(seen(at=T), ALERT, dt.timedelta(0))


def test_the_repeat_is_counted_on_the_nearest_alert() -> None:
    standing = [(ALERT, "alert 1"), (seen(at=T + 8 * MIN), "alert 2")]
    assert standing_for(seen(at=T + 7 * MIN), standing) == "alert 2"
    assert standing_for(seen(at=T + 3 * MIN), standing) == "alert 1"
    assert standing_for(seen(unit="car-7"), standing) is None


def test_a_batch_of_five_passes_is_one_alert_and_four_repeats() -> None:
    hits = [(seen(at=T + m * MIN), f"pass {m}") for m in (3, 0, 1, 2, 4)]  # out of order, as a batch may be
    assert sort_out(hits, []) == {0: "pass 0", 2: "pass 0", 3: "pass 0", 4: "pass 0"}


def test_a_batch_keeps_units_lists_and_urgency_apart() -> None:
    hits = [
        (seen(at=T), "a"),
        (seen(at=T + MIN, unit="car-7"), "b"),
        (seen(at=T + 2 * MIN, list_id="4"), "c"),
        (seen(at=T + 3 * MIN, priority=1), "d"),
        (seen(at=T + 4 * MIN, priority=1), "e"),
        (seen(at=T + 5 * MIN), "f"),
    ]
    assert sort_out(hits, []) == {4: "d", 5: "d"}  # "f" is counted on the nearest alert it repeats: "d", as urgent


def test_a_batch_after_the_window_of_a_standing_alert_raises_anew() -> None:
    hits = [(seen(at=T + 12 * MIN), "new"), (seen(at=T + 15 * MIN), "again")]
    assert sort_out(hits, [(ALERT, "old")]) == {1: "new"}
    assert sort_out([(seen(at=T + 6 * MIN), "x")], [(ALERT, "old")]) == {0: "old"}
