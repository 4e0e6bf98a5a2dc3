"""When the unit alerts the officer (a hot-list entry alerts once, then stays quiet for a while) and what an alert
shows: pure rules and the alert as the officer's screen and the server see it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from platewatch.domain.hotlists import HotListEntry
from platewatch.domain.matching import Hit

AlertKey = tuple[object, str, str]
"""(list, listed plate, listed state): one listed vehicle."""

QUIET_MS = 60_000.0
"""An entry that alerted stays quiet this long (stream time): one car, seen in many frames and then as a voted
pass, is one alert, not twenty."""


def alert_key(hit: Hit) -> AlertKey:
    entry = hit.listed.entry
    return (hit.listed.ref, entry.plate, entry.state or "")


@dataclass
class AlertGate:
    """Admits a hit unless the same listed vehicle alerted less than `quiet_ms` before (stream milliseconds)."""

    quiet_ms: float = QUIET_MS
    _last: dict[AlertKey, float] = field(default_factory=dict)

    def admit(self, hit: Hit, ms: float) -> bool:
        key = alert_key(hit)
        last = self._last.get(key)
        if last is not None and ms - last < self.quiet_ms:
            return False
        self._last[key] = ms
        return True


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """One alert on the unit (order V.E.4): the read record the officer compares with the NCIC information,
    with the plate image, and what the server needs to find the same hit."""

    read_id: uuid.UUID
    """The read the unit uploads for this vehicle pass."""
    text: str
    """The reading that hit."""
    frame: int
    raised_at: dt.datetime
    list_id: int
    list_name: str
    hotlist_version: int
    entry: HotListEntry
    matched_text: str
    match_kind: str
    reason: str
    priority: int
    state_match: bool | None
    line: str
    """One line for the officer: the list, the category, the listed plate and why it matched."""
    plate_jpeg: bytes | None = None
    vehicle_jpeg: bytes | None = None
    colour: str = "red"
    sound: str = "alarm"
    latitude: float | None = None
    longitude: float | None = None
    """Where the car was when it read the plate (None without a GPS fix)."""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
