"""Which PostgreSQL standby serves a search: the rule that skips a standby that is down, not streaming or too far
behind, and the words that tell the person so (issue 23 item 5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PRIMARY = "primary"


@dataclass(frozen=True)
class Standby:
    """What a standby said when asked how far behind the primary it is."""

    name: str
    up: bool
    streaming: bool
    """Its WAL receiver is connected to the primary; a standby that lost the primary cannot know how stale it is."""
    lag_seconds: float
    """Time since the last transaction it replayed, when WAL is waiting to be replayed; 0 when it has replayed all it
    received."""


@dataclass(frozen=True)
class Served:
    """Who answered a request's reads, how far behind the primary, and what the person is told about it."""

    by: str
    lag_seconds: float
    note: str

    @property
    def header(self) -> str:
        """The `X-PlateWatch-Served-By` value: `primary`, or `replica 1; lag=2.4s`, with the reason of a fallback."""
        text = self.by if self.by == PRIMARY else f"{self.by}; lag={self.lag_seconds:.1f}s"
        return f"{text}; {self.note}" if self.note and self.by == PRIMARY else text


ON_PRIMARY = Served(PRIMARY, 0.0, "")
"""A store without standbys: nothing to say."""

SAY_LAG_FROM_SECONDS = 1.0
"""A standby this far behind or more says how old its answer may be."""


def why_skipped(standby: Standby, max_lag_seconds: float) -> str | None:
    """Why `standby` may not serve, in plain words; None when it may."""
    if not standby.up:
        return f"{standby.name} does not answer"
    if not standby.streaming:
        return f"{standby.name} is not receiving from the primary"
    if standby.lag_seconds == float("inf"):
        return f"{standby.name} has not replayed anything since it started"
    if standby.lag_seconds > max_lag_seconds:
        return f"{standby.name} is {standby.lag_seconds:.1f} s behind (more than {max_lag_seconds:g} s)"
    return None


def choose(standbys: Sequence[Standby], max_lag_seconds: float, turn: int) -> tuple[int | None, Served]:
    """The standby (its index) that serves this request, taking fresh ones in turn from `turn`, and how it is told;
    (None, served by the primary) when every standby is skipped, with each one's reason."""
    if not standbys:
        return None, ON_PRIMARY
    reasons: list[str] = []
    for step in range(len(standbys)):
        index = (turn + step) % len(standbys)
        standby = standbys[index]
        reason = why_skipped(standby, max_lag_seconds)
        if reason is None:
            note = ""
            if standby.lag_seconds >= SAY_LAG_FROM_SECONDS:
                note = f"results as of about {standby.lag_seconds:.0f} s ago ({standby.name})"
            return index, Served(standby.name, standby.lag_seconds, note)
        reasons.append(reason)
    ordered = sorted(reasons)
    return None, Served(PRIMARY, 0.0, "served by the primary database: " + "; ".join(ordered))
