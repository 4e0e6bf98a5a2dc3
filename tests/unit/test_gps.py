"""The unit's GPS: NMEA RMC sentences as fixes (literal sentences), and the car's position at a read's time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from platewatch.unit.demo import DEMO_ROUTE_START, demo_track
from platewatch.unit.gps import Fix, GpsError, GpsTrack, bearing, distance_m, parse_nmea, read_nmea

T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
NORTH_350 = "$GPRMC,080000.00,A,4108.62200,N,07329.70000,W,10.0,350.0,301126,0.0,,A,*75"
NORTH_10 = "$GPRMC,080001.00,A,4108.62800,N,07329.70600,W,10.0,10.0,301126,0.0,,A,*4F"
AFTER_GAP = "$GPRMC,080020.00,A,4108.68800,N,07329.76600,W,10.0,10.0,301126,0.0,,A,*40"
SYDNEY_NO_COURSE = "$GPRMC,080021.00,A,3352.12800,S,15112.55800,E,,,301126,,,A*4D"
NO_FIX = "$GPRMC,080002.00,V,,N,,E,0.0,0.0,301126,0.0,,N,*79"
BAD_CHECKSUM = NORTH_10[:-2] + "4E"
GGA = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_rmc_sentences_become_fixes_and_the_rest_is_counted() -> None:
    log = parse_nmea([NORTH_350, NO_FIX, BAD_CHECKSUM, GGA, "garbage", "", NORTH_10, SYDNEY_NO_COURSE])
    assert log.skipped == 3  # the void fix, the bad checksum and the garbage; GGA is ignored, blank lines too
    first, second, sydney = log.fixes
    assert first == Fix(at(0), pytest.approx(41.1437), pytest.approx(-73.495), 350.0, pytest.approx(18.52))
    assert second.at == at(1) and second.heading == 10.0
    assert (sydney.latitude, sydney.longitude) == (pytest.approx(-33.8688), pytest.approx(151.2093))
    assert sydney.heading is None and sydney.speed_kmh is None


def test_the_position_between_two_fixes_is_interpolated() -> None:
    track = GpsTrack(parse_nmea([NORTH_10, NORTH_350]).fixes)  # out of order in the log: sorted by time
    mid = track.at(at(0.5))
    assert mid is not None
    assert mid.latitude == pytest.approx(41.14375) and mid.longitude == pytest.approx(-73.49505)
    assert mid.heading == pytest.approx(0.0)  # 350° → 10° turns through north, not through south
    assert mid.speed_kmh == pytest.approx(18.52)
    assert track.at(at(1)) == track.fixes[1]


def test_no_position_outside_the_track_or_in_a_gap() -> None:
    track = GpsTrack(parse_nmea([NORTH_350, NORTH_10, AFTER_GAP]).fixes)
    assert track.at(at(-1.5)) == Fix(at(-1.5), *_where(track.fixes[0]))  # within 2 s of the ends: the end fix
    assert track.at(at(-3)) is None
    assert track.at(at(22)) is not None and track.at(at(23)) is None
    assert track.at(at(10)) is None  # 19 s without a fix: unknown, not a guess on a straight line
    with pytest.raises(ValueError, match="time zone"):
        track.at(at(0).replace(tzinfo=None))


def test_without_a_course_the_heading_is_the_bearing_between_fixes() -> None:
    a = Fix(T0, 41.0, -73.0)
    b = Fix(at(1), 41.0001, -73.0)
    c = Fix(at(1), 41.0, -72.9999)
    assert bearing(a, b) == pytest.approx(0.0) and bearing(a, c) == pytest.approx(90.0, abs=0.01)
    assert GpsTrack([a, b]).at(at(0.5)).heading == pytest.approx(0.0)  # type: ignore[union-attr]
    assert distance_m(a, b) == pytest.approx(11.12, abs=0.01)
    standing = Fix(at(1), 41.0, -73.0)
    assert GpsTrack([a, standing]).at(at(0.5)).heading is None  # type: ignore[union-attr]


def test_a_track_can_be_replayed_from_another_start() -> None:
    track = GpsTrack(parse_nmea([NORTH_350, NORTH_10]).fixes)
    now = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    moved = track.shifted(now)
    assert (moved.start, moved.end) == (now, now + dt.timedelta(seconds=1))
    assert moved.at(now) == Fix(now, *_where(track.fixes[0]))


def test_a_log_without_a_position_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(GpsError, match="cannot read the GPS log"):
        read_nmea(tmp_path / "missing.nmea")
    empty = tmp_path / "void.nmea"
    empty.write_text(f"{NO_FIX}\r\nnot nmea\r\n")
    with pytest.raises(GpsError, match=r"void.nmea holds no valid RMC position fix \(2 lines were not valid NMEA\)"):
        read_nmea(empty)
    with pytest.raises(GpsError):
        GpsTrack([])


def test_the_demo_cars_log_drives_up_main_street(tmp_path: Path) -> None:
    track = read_nmea(demo_track(tmp_path / "demo.nmea", T0, seconds=30, heading=5.0, speed_kmh=36.0))
    assert len(track.fixes) == 31 and (track.start, track.end) == (T0, at(30))
    assert (track.fixes[0].latitude, track.fixes[0].longitude) == pytest.approx(DEMO_ROUTE_START)
    assert distance_m(track.fixes[0], track.fixes[-1]) == pytest.approx(300.0, rel=0.01)  # 10 m/s for 30 s
    assert bearing(track.fixes[0], track.fixes[-1]) == pytest.approx(5.0, abs=0.1)
    assert {f.heading for f in track.fixes} == {5.0}
    with pytest.raises(ValueError, match="time zone"):
        demo_track(tmp_path / "x.nmea", T0.replace(tzinfo=None))


def _where(fix: Fix) -> tuple[float, float, float | None, float | None]:
    return fix.latitude, fix.longitude, fix.heading, fix.speed_kmh
