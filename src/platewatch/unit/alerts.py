"""When the unit alerts the officer: a hot-list entry alerts once, then stays quiet for a while (pure rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
