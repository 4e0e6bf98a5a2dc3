"""Frames of one vehicle pass, grouped and voted on the server, for agents that send a message per frame (OpenALPR's
open-source daemon): the rules the unit's tracker applies to readings, without its boxes (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from platewatch.domain.plates import similar_plates

PASS_GAP = dt.timedelta(seconds=2)
"""A plate not seen for this long in a camera's frames: its car has gone (a daemon sends a few frames a second)."""
LONGEST_PASS = dt.timedelta(seconds=30)
"""A pass is cut after this long (a car parked in view): its next frames start another read."""
MAX_FRAMES = 100
"""Frames kept for a pass's vote (a parked car's), the latest."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame's reading of a plate: when, its candidates (text, 0-1 confidence; the best first), its state."""

    key: str
    at: dt.datetime
    candidates: tuple[tuple[str, float], ...]
    state: str | None


@dataclass(frozen=True, slots=True)
class Vote:
    text: str
    confidence: float
    """The text's mean confidence over the pass's frames (a frame that did not list it counts 0)."""
    candidates: tuple[tuple[str, float], ...]
    state: str | None


similar = similar_plates
"""Readings that may be one plate (`domain.plates.similar_plates`)."""


def joins(first: dt.datetime, last: dt.datetime, reading: str, frame: Frame) -> bool:
    """Whether `frame` continues the pass that began at `first`, was last seen at `last` and reads `reading`."""
    return (
        dt.timedelta(0) <= frame.at - last <= PASS_GAP
        and frame.at - first <= LONGEST_PASS
        and any(similar(reading, text) for text, _ in frame.candidates[:3])
    )


def vote(frames: Sequence[Frame], top: int = 20) -> Vote:
    """The pass's reading: each text's confidence summed over the frames, the largest wins; its state is the one
    most frames said."""
    scores: dict[str, float] = {}
    for frame in frames:
        for text, confidence in frame.candidates:
            scores[text] = scores.get(text, 0.0) + confidence
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    count = max(1, len(frames))
    states: dict[str, int] = {}
    for frame in frames:
        if frame.state:
            states[frame.state] = states.get(frame.state, 0) + 1
    state = max(sorted(states), key=lambda s: states[s]) if states else None
    best, score = ranked[0] if ranked else ("", 0.0)
    return Vote(best, score / count, tuple((t, s / count) for t, s in ranked[:top]), state)
