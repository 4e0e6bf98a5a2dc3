"""How fast alarms are handled: when an alarm reached its officer, and summaries of delays (pure rules)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RETRO = "retro"
"""The origin of an alarm raised when a newer hot list matched a read already stored."""


def alarmed_at(origin: str, captured_at: dt.datetime, created_at: dt.datetime) -> dt.datetime:
    """When the officer could first know of the alarm: the unit alarms as the plate passes, so from its
    capture; a retro alarm exists only once the server raised it, so from its creation."""
    return created_at if origin == RETRO else captured_at


def delay_seconds(start: dt.datetime, end: dt.datetime) -> float:
    """Seconds from start to end; a car computer's clock running ahead cannot make a delay negative."""
    return max(0.0, (end - start).total_seconds())


@dataclass(frozen=True, slots=True)
class DelaySummary:
    count: int
    median_seconds: float | None
    p90_seconds: float | None
    longest_seconds: float | None


def summarize(seconds: Iterable[float]) -> DelaySummary:
    """Count, median, 90th percentile (nearest rank) and longest of delays; None figures when there are none."""
    values: Sequence[float] = sorted(seconds)
    if not values:
        return DelaySummary(0, None, None, None)
    p90 = values[math.ceil(0.9 * len(values)) - 1]
    return DelaySummary(len(values), round(statistics.median(values), 1), round(p90, 1), round(values[-1], 1))


# Bands of the time an officer took to decide an alarm, for the report's chart: (words, upper bound in seconds).
DECISION_BANDS: tuple[tuple[str, float], ...] = (
    ("under 1 min", 60),
    ("1-5 min", 300),
    ("5-15 min", 900),
    ("15-60 min", 3600),
    ("1-4 h", 4 * 3600),
    ("4 h or more", math.inf),
)


def banded(seconds: Iterable[float]) -> list[tuple[str, int]]:
    """How many delays fall in each of DECISION_BANDS (every band, in order, zeros too)."""
    counts = dict.fromkeys((words for words, _ in DECISION_BANDS), 0)
    for s in seconds:
        words = next(w for w, upper in DECISION_BANDS if s < upper)
        counts[words] += 1
    return list(counts.items())
