"""One listed vehicle, one alert: the unit's alert gate with literal hits."""

from __future__ import annotations

from platewatch.domain.hotlists import HotListEntry
from platewatch.domain.matching import Hit, ListedEntry, MatchKind
from platewatch.unit.alerts import AlertGate


def hit(plate: str, state: str | None = None, ref: int = 1, read: str | None = None) -> Hit:
    listed = ListedEntry(HotListEntry(plate, state), "Stolen", 1, ref)
    return Hit(listed, read or plate, 0, MatchKind.EXACT, None, 1)


def test_one_listed_vehicle_alerts_once_in_a_minute() -> None:
    gate = AlertGate(quiet_ms=60_000)
    assert gate.admit(hit("6ZR4117"), 100.0)  # the first frame that reads it
    assert not gate.admit(hit("6ZR4117"), 133.0)  # the next frames
    assert not gate.admit(hit("6ZR4117", read="6ZR4III"), 30_000.0)  # another reading of the same entry
    assert not gate.admit(hit("6ZR4117"), 60_099.0)
    assert gate.admit(hit("6ZR4117"), 60_100.0)  # a minute on: it is back (or still there)


def test_other_entries_alert_on_their_own() -> None:
    gate = AlertGate()
    assert gate.admit(hit("6ZR4117"), 0.0)
    assert gate.admit(hit("5HX2290"), 10.0)  # another plate
    assert gate.admit(hit("6ZR4117", state="NY"), 20.0)  # the same number listed for another state
    assert gate.admit(hit("6ZR4117", ref=2), 30.0)  # the same plate on another list (e.g. AMBER)


def test_an_earlier_time_is_no_new_alert() -> None:
    gate = AlertGate()
    assert gate.admit(hit("6ZR4117"), 5_000.0)
    assert not gate.admit(hit("6ZR4117"), 4_800.0)  # e.g. a pass whose best frame came before the alert
