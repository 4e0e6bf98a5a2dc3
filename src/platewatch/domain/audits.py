"""Random audits of the use of LPR data (order V.D.10): which accesses to review, when the next audit is due, and
when an audit can be closed (pure rules)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

EVERY = dt.timedelta(days=183)
"""Audits are bi-annual (V.D.10): one every six months."""
DEFAULT_SAMPLE = 25
MAX_SAMPLE = 500
FINDINGS = ("compliant", "not_compliant", "follow_up")
"""An access had a proper purpose and case; had not; or needs asking the person (the note says what)."""


def sample(candidates: Sequence[int], size: int, rng: random.Random) -> list[int]:
    """`size` distinct query-log rows drawn at random from `candidates` (all of them when there are fewer), in
    log order. The caller passes an unpredictable generator: nobody can know in advance which accesses are read."""
    if size < 1:
        raise ValueError("an audit reviews at least one access")
    chosen = rng.sample(list(candidates), min(size, len(candidates)))
    return sorted(chosen)


def is_due(last_closed: dt.datetime | None, now: dt.datetime, every: dt.timedelta = EVERY) -> bool:
    """True when no audit was ever closed, or the last one was closed more than six months ago."""
    return last_closed is None or now - last_closed > every


def closing_problem(findings: Iterable[str | None], summary: str) -> str | None:
    """Why the audit cannot be closed yet (an access not reviewed, no summary), or None when it can."""
    open_items = sum(1 for f in findings if f is None)
    if open_items:
        return f"{open_items} sampled access(es) not reviewed yet"
    if len(summary.strip()) < 10:
        return "a closed audit needs a summary of what was found (at least 10 characters)"
    return None
