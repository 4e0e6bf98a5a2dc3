"""What a supervisor hears about a unit: a shift's reads not uploaded, an old or lagging hot list."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.unit_health import UnitSeen, warnings

NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def seen(**kw: object) -> UnitSeen:
    base: dict[str, object] = {
        "last_contact": NOW - dt.timedelta(seconds=20),
        "hotlist_version": 40,
        "hotlist_fetched": NOW - dt.timedelta(minutes=3),
        "shift_started": NOW - 3 * H,
        "shift_ended": None,
    }
    base.update(kw)
    return UnitSeen(**base)  # type: ignore[arg-type]


def test_a_unit_in_good_order_and_a_unit_never_used_say_nothing() -> None:
    assert warnings(seen(), 40, NOW) == []
    assert warnings(UnitSeen(None, None, None, None, None), 40, NOW) == []


def test_a_shift_whose_reads_never_came_is_named() -> None:
    ended = NOW - 2 * H
    (warning,) = warnings(seen(shift_ended=ended, last_contact=ended - 5 * H), 40, NOW)
    assert "no contact since the shift ended at 2026-11-30 16:00 UTC" in warning and "V.E.2h" in warning
    assert warnings(seen(shift_ended=ended, last_contact=ended + dt.timedelta(minutes=1)), 40, NOW) == []
    backlog = seen(shift_ended=ended, last_contact=ended + dt.timedelta(minutes=1), reads_waiting=212)
    assert warnings(backlog, 40, NOW) == [
        "212 reads still on the unit at its last contact, after the shift ended at 2026-11-30 16:00 UTC (V.E.2h)"
    ]
    emptied = seen(shift_ended=ended, last_contact=ended + dt.timedelta(minutes=1), reads_waiting=0)
    assert warnings(emptied, 40, NOW) == []


def test_an_old_or_lagging_hot_list_on_shift_is_named() -> None:
    assert warnings(seen(hotlist_fetched=NOW - 30 * H), 40, NOW) == [
        "hot list not updated for 30 h (V.F.2: at most 24 h)"
    ]
    assert warnings(seen(hotlist_fetched=None, hotlist_version=None), 40, NOW) == [
        "on shift without a hot list from the server"
    ]
    lagging = seen(hotlist_version=38, hotlist_fetched=NOW - dt.timedelta(minutes=40))
    assert warnings(lagging, 40, NOW) == ["hot list version 38 behind the server's 40"]
    just_changed = seen(hotlist_version=38, hotlist_fetched=NOW - dt.timedelta(minutes=4))
    assert warnings(just_changed, 40, NOW) == []  # the next 5-minute check brings it
    off_duty = seen(hotlist_fetched=NOW - 30 * H, shift_ended=NOW - 40 * H, last_contact=NOW - 30 * H)
    assert warnings(off_duty, 40, NOW) == []  # a parked car is not on the road
