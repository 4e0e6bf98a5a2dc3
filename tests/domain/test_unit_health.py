"""What a supervisor hears about a unit: a shift's reads not uploaded, an old or lagging hot list."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.unit_health import UnitSeen, clock_off, clock_offset, disk_short, gps_lost, warnings

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


def test_a_clock_off_by_more_than_half_a_minute_is_named_either_way() -> None:
    assert warnings(seen(clock_skew_s=29.0), 40, NOW) == []
    assert warnings(seen(clock_skew_s=-29.0), 40, NOW) == []
    assert warnings(seen(clock_skew_s=200.0), 40, NOW) == [
        "the unit's clock is 3 min 20 s behind the server's: its reads are stamped with it (keep it in step; "
        "`platewatch unit check`)"
    ]
    (ahead,) = warnings(seen(clock_skew_s=-3 * 3600.0, shift_started=None), 40, NOW)  # off shift too
    assert ahead.startswith("the unit's clock is 3 h 0 min ahead of the server's")


def test_clock_offsets_in_words() -> None:
    assert [clock_offset(s) for s in (6.2, -45.0, 60.0, 61.0, -3599.0, 7260.0)] == [
        "6 s behind",
        "45 s ahead of",
        "1 min behind",
        "1 min 1 s behind",
        "59 min 59 s ahead of",
        "2 h 1 min behind",
    ]


def test_a_clock_is_named_only_beyond_the_warning() -> None:
    assert [clock_off(s) for s in (None, 0.0, 30.0, -30.0)] == [None] * 4
    assert clock_off(30.5) == "the unit's clock is 30 s behind the server's"
    assert clock_off(-200.0) == "the unit's clock is 3 min 20 s ahead of the server's"


def test_reads_the_unit_deleted_unsent_are_named_on_or_off_shift() -> None:
    assert warnings(seen(reads_deleted=0), 40, NOW) == []
    assert warnings(seen(reads_deleted=37, shift_started=None), 40, NOW) == [
        "37 reads deleted on the unit unsent in the last 7 days: they passed the retention period before it could "
        "reach the server (V.E.2h)"
    ]


def test_the_officer_hears_of_a_full_or_nearly_full_disk() -> None:
    mib = 1024**2
    assert disk_short(10 * 1024 * mib, 0) is None
    assert disk_short(256 * mib, 0) is None  # the line itself is still enough
    assert disk_short(255 * mib, 0) == (
        "this unit's disk is nearly full (255 MiB free): reads will soon be lost; tell IT"
    )
    assert disk_short(0, 1) == (
        "this unit's disk is full: 1 alert is kept in memory only, and reads are not being stored; tell IT"
    )
    assert disk_short(50 * mib, 3) is not None and "3 alerts are kept in memory" in str(disk_short(50 * mib, 3))


def test_a_units_nearly_full_disk_is_named() -> None:
    assert warnings(seen(disk_free_mib=256), 40, NOW) == [] and warnings(seen(disk_free_mib=None), 40, NOW) == []
    assert warnings(seen(disk_free_mib=120, shift_started=None), 40, NOW) == [
        "its disk had 120 MiB free at its last contact: its reads are lost when it is full (free space on the car "
        "computer; `platewatch unit check`)"
    ]


def test_reads_a_units_full_disk_refused_are_named() -> None:
    assert warnings(seen(reads_lost=0), 40, NOW) == []
    assert warnings(seen(reads_lost=3), 40, NOW) == [
        "3 reads could not be stored on the unit since its agent started (its disk was full): lost (V.E.2h)"
    ]
    assert warnings(seen(reads_lost=1), 40, NOW)[0].startswith("1 read could not be stored")


def test_the_officer_hears_when_the_gps_gives_no_fix() -> None:
    receiver = "tcp://192.168.0.1:9999"
    assert gps_lost(None, None, NOW) is None  # no receiver configured (or a replayed log): nothing to say
    assert gps_lost(receiver, NOW - dt.timedelta(seconds=60), NOW) is None
    assert gps_lost(receiver, None, NOW) == (
        "no GPS fix from tcp://192.168.0.1:9999 yet: reads have no location until one comes"
    )
    assert gps_lost(receiver, NOW - dt.timedelta(seconds=200), NOW) == (
        "no GPS fix for 3 min 20 s: reads have no location; tell IT"
    )


def test_a_unit_on_shift_without_a_gps_fix_is_named() -> None:
    assert warnings(seen(gps_fix_age_s=None), 40, NOW) == [] and warnings(seen(gps_fix_age_s=60), 40, NOW) == []
    assert warnings(seen(gps_fix_age_s=300), 40, NOW) == [
        "no GPS fix for 5 min at its last contact: its reads have no location (the receiver or its cable)"
    ]
    assert warnings(seen(gps_fix_age_s=-1), 40, NOW)[0].startswith("no GPS fix yet at its last contact")
    assert warnings(seen(gps_fix_age_s=-1, shift_started=None), 40, NOW) == []  # parked, nobody on shift
