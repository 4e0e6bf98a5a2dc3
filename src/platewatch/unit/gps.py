"""The unit's position: NMEA 0183 fixes (a GPS receiver's log, or its replay) and where the car was at a time."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from pynmeagps import VALCKSUM, NMEAParseError, NMEAReader

KMH_PER_KNOT = 1.852
EARTH_RADIUS_M = 6_371_000.0


class GpsError(ValueError):
    """A GPS log that gives no position; the message says why."""


@dataclass(frozen=True, slots=True)
class Fix:
    """A position at a time (UTC); heading in degrees clockwise from true north, None when unknown."""

    at: dt.datetime
    latitude: float
    longitude: float
    heading: float | None = None
    speed_kmh: float | None = None


class Positions(Protocol):
    """Where the car was at a time: a recorded track (`GpsTrack`) or a live receiver (`gps_feed.GpsFeed`)."""

    def at(self, when: dt.datetime) -> Fix | None: ...


@dataclass(frozen=True, slots=True)
class NmeaLog:
    """The valid fixes of an NMEA log and how many of its lines were not (bad checksum, no fix, not NMEA)."""

    fixes: tuple[Fix, ...]
    skipped: int


def parse_nmea(lines: Iterable[str]) -> NmeaLog:
    """Fixes from the RMC sentences (the ones that carry date, time, position, course and speed) with status
    A; other sentences are ignored, and lines that are not valid NMEA are counted as skipped."""
    fixes: list[Fix] = []
    skipped = 0
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            msg = NMEAReader.parse(line, validate=VALCKSUM)
        except (NMEAParseError, ValueError, TypeError, IndexError):
            skipped += 1
            continue
        if msg is None:
            skipped += 1
            continue
        if msg.msgID != "RMC":
            continue
        fix = _rmc_fix(msg)
        if fix is None:
            skipped += 1
        else:
            fixes.append(fix)
    return NmeaLog(tuple(fixes), skipped)


def _rmc_fix(msg: object) -> Fix | None:
    status, lat, lon = getattr(msg, "status", ""), getattr(msg, "lat", ""), getattr(msg, "lon", "")
    date, time = getattr(msg, "date", ""), getattr(msg, "time", "")
    if status != "A" or not isinstance(date, dt.date) or not isinstance(time, dt.time):
        return None
    if not isinstance(lat, float | int) or not isinstance(lon, float | int):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    cog, spd = getattr(msg, "cog", ""), getattr(msg, "spd", "")
    heading = float(cog) % 360.0 if isinstance(cog, float | int) else None
    speed = float(spd) * KMH_PER_KNOT if isinstance(spd, float | int) else None
    at = dt.datetime.combine(date, time.replace(tzinfo=None), tzinfo=dt.UTC)
    return Fix(at, float(lat), float(lon), heading, speed)


class GpsTrack:
    """Fixes in time order; `at(when)` interpolates between the two around `when`, and says None (no position
    rather than a wrong one) before, after or inside a gap in the track."""

    def __init__(
        self,
        fixes: Iterable[Fix],
        max_gap: dt.timedelta = dt.timedelta(seconds=10),
        edge: dt.timedelta = dt.timedelta(seconds=2),
    ) -> None:
        self.fixes = tuple(sorted(fixes, key=lambda f: f.at))
        if not self.fixes:
            raise GpsError("no valid position fix")
        self.max_gap = max_gap
        self.edge = edge
        self._times = [f.at for f in self.fixes]

    @property
    def start(self) -> dt.datetime:
        return self.fixes[0].at

    @property
    def end(self) -> dt.datetime:
        return self.fixes[-1].at

    def shifted(self, start: dt.datetime) -> GpsTrack:
        """The same drive, begun at `start`: to replay a recorded log alongside its recorded video, now."""
        delta = start - self.start
        return GpsTrack((replace(f, at=f.at + delta) for f in self.fixes), self.max_gap, self.edge)

    def at(self, when: dt.datetime) -> Fix | None:
        if when.tzinfo is None:
            raise ValueError("a position is asked for a time with a time zone")
        i = bisect.bisect_left(self._times, when)
        if i < len(self.fixes) and self.fixes[i].at == when:
            return self.fixes[i]
        if i == 0:
            first = self.fixes[0]
            return replace(first, at=when) if first.at - when <= self.edge else None
        if i == len(self.fixes):
            last = self.fixes[-1]
            return replace(last, at=when) if when - last.at <= self.edge else None
        a, b = self.fixes[i - 1], self.fixes[i]
        if b.at - a.at > self.max_gap:
            return None
        return interpolate(a, b, when)


def interpolate(a: Fix, b: Fix, when: dt.datetime) -> Fix:
    """The position at `when` between fixes a and b (a straight line: fixes are a second or so apart)."""
    span = (b.at - a.at).total_seconds()
    t = 0.0 if span <= 0 else min(1.0, max(0.0, (when - a.at).total_seconds() / span))
    heading = a.heading if b.heading is None else b.heading if a.heading is None else None
    if a.heading is not None and b.heading is not None:
        turn = (b.heading - a.heading + 180.0) % 360.0 - 180.0  # the short way round: 350° → 10° is +20°
        heading = (a.heading + t * turn) % 360.0
    if heading is None and distance_m(a, b) > 3.0:
        heading = bearing(a, b)
    speed = None
    if a.speed_kmh is not None and b.speed_kmh is not None:
        speed = a.speed_kmh + t * (b.speed_kmh - a.speed_kmh)
    return Fix(
        when,
        a.latitude + t * (b.latitude - a.latitude),
        a.longitude + t * (b.longitude - a.longitude),
        None if heading is None else round(heading, 1) % 360.0,
        speed,
    )


def distance_m(a: Fix, b: Fix) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bearing(a: Fix, b: Fix) -> float:
    """Initial bearing from a to b, degrees clockwise from true north in [0, 360)."""
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dl = math.radians(b.longitude - a.longitude)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def read_nmea(path: Path) -> GpsTrack:
    """The track in an NMEA log file; GpsError when the file cannot be read or holds no valid fix."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise GpsError(f"cannot read the GPS log {path}: {exc.strerror}") from exc
    log = parse_nmea(text.splitlines())
    if not log.fixes:
        raise GpsError(f"{path} holds no valid RMC position fix ({log.skipped} lines were not valid NMEA)")
    return GpsTrack(log.fixes)
