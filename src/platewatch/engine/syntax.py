"""Per-state plate formats as a soft prior: re-rank reader candidates, never force a template."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from platewatch.engine.types import NOT_US

PATTERNS_FILE = Path(__file__).with_name("models") / "us_plate_patterns.json"

# Log-score bonuses. Small next to a confident reader: a clear read that fits no template still wins.
HOME_BONUS = 1.2
"""A candidate matching a format of the home state (Connecticut by default)."""
STATE_BONUS = 0.9
"""A candidate matching a format of the state the classifier named."""
ANY_BONUS = 0.4
"""A candidate matching the format of some US state or the generic formats."""
SAME_GLYPH = str.maketrans("OI", "01")
"""Letters that are often the very same glyph as a digit on US plates: O/0 and I/1."""


SWAP = {"O": "0", "0": "O", "I": "1", "1": "I"}
O_ZERO = {"O": "0", "0": "O"}
MAX_SWAPS = 4
"""Readings with more O/0/I/1 characters than this get no generated variants (2**n of them)."""


def glyph_key(text: str) -> str:
    """`text` with O/0 and I/1 merged: candidates with one key look the same on many plates."""
    return text.translate(SAME_GLYPH)


def same_glyph_variants(text: str, swap: dict[str, str] = SWAP) -> list[str]:
    """Every other reading of `text` with some of `swap`'s characters swapped (O/0 and I/1 by default;
    none past MAX_SWAPS positions)."""
    pos = [i for i, ch in enumerate(text) if ch in swap]
    if not pos or len(pos) > MAX_SWAPS:
        return []
    out = []
    for flips in itertools.product((False, True), repeat=len(pos)):
        if any(flips):
            chars = list(text)
            for i, flip in zip(pos, flips, strict=True):
                if flip:
                    chars[i] = swap[chars[i]]
            out.append("".join(chars))
    return out


def type_switches(text: str) -> int:
    """How often `text` changes between letters and digits (`AB12CD`: 2)."""
    return sum(a.isalpha() != b.isalpha() for a, b in itertools.pairwise(text))


def run_consistent(text: str) -> str:
    """`text` with each O/0 that sits in a run of the other kind swapped (`KMB0RAK` → `KMBORAK`).

    Among the readings that differ from `text` only by O/0, the one with the fewest letter/digit changes;
    `text` itself on a tie (`LM01OBE` stays: both readings change kind twice)."""
    variants = same_glyph_variants(text, O_ZERO)
    return min([text, *variants], key=lambda v: (type_switches(v), v != text))


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


def any_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex that fully matches what any of `patterns` fully matches (None for none): one C-level match
    instead of a Python loop over hundreds of formats."""
    return re.compile("|".join(f"(?:{rx.pattern})" for rx in patterns)) if patterns else None


@dataclass(frozen=True, slots=True)
class PlateSyntax:
    """Compiled per-region formats; `home_state` gets the strongest prior."""

    formats: dict[str, tuple[re.Pattern[str], ...]]
    home_state: str | None = "CT"
    _by_region: dict[str, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)
    _any: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_region", {region: any_of(rxs) for region, rxs in self.formats.items()})
        object.__setattr__(self, "_any", any_of([rx for rxs in self.formats.values() for rx in rxs]))

    def matches(self, text: str, state: str) -> bool:
        """True when `text` fits one of `state`'s formats (or the generic `BASE` formats)."""
        rx = self._by_region.get(state.upper())
        return rx is not None and rx.fullmatch(text) is not None

    def fits_any(self, text: str) -> bool:
        return self._any is not None and self._any.fullmatch(text) is not None

    def prior(self, text: str, state: str | None = None) -> float:
        """A log-score bonus for `text`: home state, classified state, or any known format. When the classifier names
        another state than the home state, the home state's formats give no bonus: it has looked at the plate, and a
        reading that fits the home state must not outrank one that fits the state it named (`7BPDO6`, Connecticut's
        `#@@@@#`, against Maryland's `7BPD06`; rule SYNTAX-1)."""
        bonus = 0.0
        home = self.home_state if not state or state.upper() == (self.home_state or "").upper() else None
        if home and self.matches(text, home):
            bonus = HOME_BONUS
        if state and self.matches(text, state):
            bonus = max(bonus, STATE_BONUS)
        if bonus == 0.0 and self.fits_any(text):
            bonus = ANY_BONUS
        return bonus

    def rerank(self, candidates: Sequence[tuple[str, float]], state: str | None = None) -> list[tuple[str, float]]:
        """Re-order `(text, confidence)` candidates by log(confidence) + prior.

        O/0 and I/1 are often one glyph on US plates, so the reader's split between readings that differ
        only there says little. A reading that fits the classified state's formats (the home state's when
        no state was classified) is scored with the summed confidence of all such look-alike readings, and
        the best reading's look-alikes that fit join the candidates (with its confidence: the reader saw
        the same glyphs) even when the beam search dropped them. A reading that fits no format is never
        forced into one: it keeps its own confidence and its look-alikes only their own. Look-alikes that
        fit come back with the shared confidence (the reader's belief in those glyphs), others unchanged.
        When the first reading fits no US format at all (a vanity plate), its round glyph is written `0`, as
        the US labels write it (`_vanity_zero`).

        `state` NOT_US (the classifier says the plate is not from a US state): no US format applies, and
        an O/0 glyph takes the kind of the run it sits in instead (`_rerank_foreign`)."""
        if state == NOT_US:
            return self._rerank_foreign(candidates)
        region = state or self.home_state
        mass: dict[str, float] = {}
        for text, conf in candidates:
            mass[glyph_key(text)] = mass.get(glyph_key(text), 0.0) + conf
        candidates = list(candidates)
        if candidates and region:
            top, top_conf = candidates[0]
            present = {t for t, _ in candidates}
            for v in same_glyph_variants(top):
                if v not in present and self.matches(v, region):
                    candidates.append((v, top_conf))

        scored = []
        for text, conf in candidates:
            shared = max(conf, mass[glyph_key(text)]) if region and self.matches(text, region) else conf
            scored.append((math.log(max(shared, 1e-9)) + self.prior(text, state), conf, text, shared))
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        return self._vanity_zero([(text, shared) for _, _, text, shared in scored])

    def _vanity_zero(self, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """A first reading with an `O` that fits no US format, nor does with its `O`s read as `0` (a vanity plate), is
        written with `0`: on most states' plates the two are one glyph, and the US labels write a vanity word's round
        letter as the digit (`CHICAG0`, `M0T0RZ`; rule GLYPH-1). The `0` reading gets the confidence of every
        candidate that reads those glyphs; the `O` reading stays among the candidates."""
        if not ranked or "O" not in ranked[0][0]:
            return ranked
        top = ranked[0][0]
        zero = top.replace("O", "0")
        if self.fits_any(top) or self.fits_any(zero):
            return ranked
        pooled = sum(c for t, c in ranked if t.replace("O", "0") == zero)
        return [(zero, pooled), *((t, c) for t, c in ranked if t != zero)]

    @staticmethod
    def _rerank_foreign(candidates: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
        """Non-US plates: no formats are known, but an O/0 glyph takes the kind of the run it sits in
        (European plates keep letters and digits in groups). The swapped reading gets the confidence of
        both readings, as the reader saw the same glyph."""
        if not candidates:
            return []
        top, conf = candidates[0]
        best = run_consistent(top)
        if best == top:
            return list(candidates)
        mass = conf + sum(c for t, c in candidates if t == best)
        return [(best, mass), *((t, c) for t, c in candidates if t != best)]


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
