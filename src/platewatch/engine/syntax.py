"""Per-state plate formats as a soft prior: re-rank reader candidates, never force a template."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PATTERNS_FILE = Path(__file__).with_name("models") / "us_plate_patterns.json"

# Log-score bonuses. Small next to a confident reader: a clear read that fits no template still wins.
HOME_BONUS = 1.2
"""A candidate matching a format of the home state (Connecticut by default)."""
STATE_BONUS = 0.9
"""A candidate matching a format of the state the classifier named."""
ANY_BONUS = 0.4
"""A candidate matching the format of some US state or the generic formats."""


def pattern_to_regex(pattern: str) -> str:
    """Translate one OpenALPR pattern (`@` letter, `#` digit, `?` any, `[A-F]` set) to a regex."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "@":
            out.append("[A-Z]")
        elif ch == "#":
            out.append("[0-9]")
        elif ch == "?":
            out.append("[A-Z0-9]")
        elif ch == "[":
            end = pattern.index("]", i)
            out.append("[" + pattern[i + 1 : end] + "]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class PlateSyntax:
    """Compiled per-region formats; `home_state` gets the strongest prior."""

    formats: dict[str, tuple[re.Pattern[str], ...]]
    home_state: str | None = "CT"

    def matches(self, text: str, state: str) -> bool:
        """True when `text` fits one of `state`'s formats (or the generic `BASE` formats)."""
        return any(rx.fullmatch(text) for rx in self.formats.get(state.upper(), ()))

    def fits_any(self, text: str) -> bool:
        return any(self.matches(text, st) for st in self.formats)

    def prior(self, text: str, state: str | None = None) -> float:
        """A log-score bonus for `text`: home state, classified state, or any known format."""
        bonus = 0.0
        if self.home_state and self.matches(text, self.home_state):
            bonus = HOME_BONUS
        if state and self.matches(text, state):
            bonus = max(bonus, STATE_BONUS)
        if bonus == 0.0 and self.fits_any(text):
            bonus = ANY_BONUS
        return bonus

    def rerank(self, candidates: Sequence[tuple[str, float]], state: str | None = None) -> list[tuple[str, float]]:
        """Re-order `(text, confidence)` candidates by log(confidence) + prior; confidences unchanged."""

        def key(item: tuple[str, float]) -> float:
            text, conf = item
            return math.log(max(conf, 1e-9)) + self.prior(text, state)

        return sorted(candidates, key=key, reverse=True)


def parse_patterns(data: dict[str, list[str]]) -> dict[str, tuple[re.Pattern[str], ...]]:
    """Compile `{"ct": ["#@@@@#", ...]}` into regexes keyed by upper-case region."""
    return {region.upper(): tuple(re.compile(pattern_to_regex(p)) for p in pats) for region, pats in data.items()}


@lru_cache(maxsize=4)
def load_syntax(home_state: str | None = "CT") -> PlateSyntax:
    """The shipped US formats with `home_state` preferred."""
    raw = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return PlateSyntax(parse_patterns(raw["patterns"]), home_state)


def load_pattern_strings() -> dict[str, list[str]]:
    """The raw pattern strings by upper-case region (for the synthetic generator)."""
    raw = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return {k.upper(): list(v) for k, v in raw["patterns"].items()}
