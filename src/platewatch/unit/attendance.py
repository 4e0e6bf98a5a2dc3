"""Order V.E.8a on the unit: the officer logs on to activate the system at the start of the shift. Reads the unit
takes while nobody is logged on are counted here for the officer's screen (the server marks each such read by its
record of the unit's shifts: `server.unit_shifts.service.on_shift`)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Attendance:
    """Shared by the agent, which calls `taken()` for each read it queues, and the screen, which shows
    `without_officer`: the reads taken while nobody was logged on since the agent started."""

    def __init__(self, logged_on: Callable[[], bool]) -> None:
        self._logged_on = logged_on
        self._lock = threading.Lock()
        self._without_officer = 0

    def taken(self) -> bool:
        """A read was taken now; False (and counted) when nobody is logged on."""
        if self._logged_on():
            return True
        with self._lock:
            self._without_officer += 1
        return False

    @property
    def without_officer(self) -> int:
        with self._lock:
            return self._without_officer
