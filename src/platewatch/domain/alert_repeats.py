"""Repeat suppression (issue 24, ADR 0012): the same listed vehicle seen again by the same unit on the same list
within a window is not a new alert but a pass counted on the alert that stands. One pure rule for the server (at
ingest) and the unit (its alert book)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

DEFAULT_WINDOW = dt.timedelta(minutes=10)
"""How long after (or before: an upload that arrives late) an alert's pass a repeat is counted on it."""

Ref = TypeVar("Ref")


@dataclass(frozen=True, slots=True)
class Sighting:
    """A hit as the rule sees it: which unit saw which listed vehicle (list, plate, state), how urgent it is
    (1 = most urgent, after the state rule) and when the pass was captured (UTC)."""

    unit: str
    list_id: str
    plate: str
    state: str | None
    priority: int
    at: dt.datetime


def repeats(hit: Sighting, alert: Sighting, window: dt.timedelta = DEFAULT_WINDOW) -> bool:
    """True when `hit` is a repeat of the standing `alert`: the same unit, list and listed vehicle, captured less than
    `window` from it, and no more urgent than it. Never across units or lists, never a more urgent hit; a window of
    zero suppresses nothing."""
    return (
        window > dt.timedelta(0)
        and hit.unit == alert.unit
        and hit.list_id == alert.list_id
        and hit.plate == alert.plate
        and (hit.state or None) == (alert.state or None)
        and hit.priority >= alert.priority
        and abs(hit.at - alert.at) < window
    )


def standing_for(
    hit: Sighting, standing: Iterable[tuple[Sighting, Ref]], window: dt.timedelta = DEFAULT_WINDOW
) -> Ref | None:
    """The alert `hit` is counted on (the nearest in time of those it repeats, the earlier on a tie), or None: `hit`
    raises an alert of its own."""
    found = [(abs(hit.at - s.at), s.at, i, ref) for i, (s, ref) in enumerate(standing) if repeats(hit, s, window)]
    return min(found, key=lambda f: (f[0], f[1], f[2]))[3] if found else None


def sort_out(
    hits: Sequence[tuple[Sighting, Ref]],
    standing: Iterable[tuple[Sighting, Ref]],
    window: dt.timedelta = DEFAULT_WINDOW,
) -> dict[int, Ref]:
    """A batch of hits, taken in capture order: {index of a hit in `hits`: the ref of the alert it is counted on}.
    Hits not in the answer raise alerts, which then stand for the batch's later hits."""
    known = list(standing)
    out: dict[int, Ref] = {}
    for i in sorted(range(len(hits)), key=lambda i: hits[i][0].at):
        sighting, ref = hits[i]
        of = standing_for(sighting, known, window)
        if of is None:
            known.append((sighting, ref))
        else:
            out[i] = of
    return out
