"""Match reads against a hot list: exact, look-alike equivalent, or one edit away, on every OCR candidate.

The index keeps three maps so that a read costs a handful of dictionary look-ups whatever the list size:
plate → entries, look-alike canonical form → entries, and the one-deletion neighbourhood of each canonical
form → entries (two strings within one edit share a member of their deletion neighbourhoods).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from platewatch.domain.hotlists import CATEGORY_PRIORITY, HotListEntry
from platewatch.domain.plates import canonical, within_one_edit


class MatchKind(IntEnum):
    """How a read matched; lower is stronger, and no approximate hit ever outranks an exact one."""

    EXACT = 0
    LOOKALIKE = 1
    ONE_EDIT = 2

    @property
    def label(self) -> str:
        """The name the API, the alerts table and the unit use: exact, lookalike, one_edit."""
        return self.name.lower()


class StateRule(StrEnum):
    LOWER = "lower"  # a state mismatch lowers the hit's priority (default)
    HIDE = "hide"  # a state mismatch is not a hit
    IGNORE = "ignore"  # state is not considered


STATE_MISMATCH_PENALTY = 3


@dataclass(frozen=True, slots=True)
class ListedEntry:
    """An entry as the index holds it: with its list's identity and priority."""

    entry: HotListEntry
    list_id: str
    priority: int
    ref: int = 0  # the caller's handle for the entry (e.g. its database row id)


@dataclass(frozen=True, slots=True)
class Hit:
    listed: ListedEntry
    matched_text: str  # the OCR text (top read or a candidate) that matched
    candidate_rank: int  # 0 = the top read
    kind: MatchKind
    state_match: bool | None  # None when the read or the entry has no state
    priority: int  # after the state rule; 1 = most urgent

    @property
    def is_exact(self) -> bool:
        return self.kind is MatchKind.EXACT

    @property
    def reason(self) -> str:
        """Why this is a hit, in words an officer can check against the plate image."""
        return _describe(self.kind, self.matched_text, self.listed.entry.plate, self.candidate_rank)

    def sort_key(self) -> tuple[int, int, int, int]:
        return (int(self.kind), self.priority, self.candidate_rank, 0 if self.state_match is not False else 1)


def _describe(kind: MatchKind, text: str, plate: str, rank: int) -> str:
    source = "the top read" if rank == 0 else f"OCR candidate {rank}"
    if kind is MatchKind.EXACT:
        return f"exact match of {source}"
    if kind is MatchKind.LOOKALIKE:
        pairs = ", ".join(f"{a}~{b}" for a, b in zip(text, plate, strict=True) if a != b)
        return f"look-alike characters ({pairs}) in {source} {text}"
    return f"one character added, dropped or changed in {source} {text}"


def _neighbourhood(c: str) -> set[str]:
    """The string and every string made by deleting one character."""
    out = {c[:i] + c[i + 1 :] for i in range(len(c))}
    out.add(c)
    return out


class HotListIndex:
    """An immutable index over the entries of one or more lists."""

    def __init__(self, listed: Iterable[ListedEntry]) -> None:
        self._exact: dict[str, list[ListedEntry]] = defaultdict(list)
        self._canonical: dict[str, list[ListedEntry]] = defaultdict(list)
        # deletion key → (entry's canonical form, entry) pairs; the canonical form is kept to verify cheaply
        self._deletions: dict[str, list[tuple[str, ListedEntry]]] = defaultdict(list)
        self.size = 0
        for item in listed:
            self.size += 1
            plate = item.entry.plate
            c = canonical(plate)
            self._exact[plate].append(item)
            self._canonical[c].append(item)
            for d in _neighbourhood(c):
                self._deletions[d].append((c, item))

    @classmethod
    def from_entries(
        cls, entries: Iterable[HotListEntry], list_id: str = "", priority: int | None = None
    ) -> HotListIndex:
        return cls(ListedEntry(e, list_id, priority or CATEGORY_PRIORITY[e.category]) for e in entries)

    def match(
        self,
        texts: Sequence[str],
        state: str | None = None,
        *,
        approximate: bool = True,
        state_rule: StateRule = StateRule.LOWER,
    ) -> list[Hit]:
        """Hits for a read whose top text is texts[0] and whose other OCR candidates follow, best first.

        One hit per entry (its strongest match); ordered exact before look-alike before one edit, then by
        priority.
        """
        best: dict[int, Hit] = {}
        seen_canonical: set[str] = set()
        for rank, text in enumerate(texts):
            for item in self._exact.get(text, ()):
                self._offer(best, item, text, rank, MatchKind.EXACT, state, state_rule)
            if not approximate:
                continue
            c = canonical(text)
            if c in seen_canonical:
                continue
            seen_canonical.add(c)
            for item in self._canonical.get(c, ()):
                if item.entry.plate != text:
                    self._offer(best, item, text, rank, MatchKind.LOOKALIKE, state, state_rule)
            deletions = self._deletions
            for d in _neighbourhood(c):
                bucket = deletions.get(d)
                if bucket is None:
                    continue
                for ec, item in bucket:
                    if ec != c and within_one_edit(c, ec):
                        self._offer(best, item, text, rank, MatchKind.ONE_EDIT, state, state_rule)
        return sorted(best.values(), key=Hit.sort_key)

    @staticmethod
    def _offer(
        best: dict[int, Hit],
        item: ListedEntry,
        text: str,
        rank: int,
        kind: MatchKind,
        state: str | None,
        rule: StateRule,
    ) -> None:
        hit = make_hit(item, text, rank, kind, state, rule)
        if hit is None:
            return
        key = id(item)
        if key not in best or hit.sort_key() < best[key].sort_key():
            best[key] = hit


def make_hit(
    item: ListedEntry, text: str, rank: int, kind: MatchKind, state: str | None, rule: StateRule
) -> Hit | None:
    """The hit of `text` on `item` under the state rule; None when the rule hides it."""
    entry_state = item.entry.state
    state_match = None if (state is None or not entry_state or rule is StateRule.IGNORE) else state == entry_state
    if state_match is False and rule is StateRule.HIDE:
        return None
    priority = item.priority + (STATE_MISMATCH_PENALTY if state_match is False else 0)
    return Hit(item, text, rank, kind, state_match, priority)


def naive_match(entries: Sequence[ListedEntry], texts: Sequence[str]) -> set[tuple[str, MatchKind]]:
    """Reference implementation (a scan of every entry) for tests and the benchmark."""
    out: dict[str, MatchKind] = {}
    for item in entries:
        p = item.entry.plate
        pc = canonical(p)
        for text in texts:
            if text == p:
                kind = MatchKind.EXACT
            elif canonical(text) == pc:
                kind = MatchKind.LOOKALIKE
            elif within_one_edit(canonical(text), pc):
                kind = MatchKind.ONE_EDIT
            else:
                continue
            if p not in out or kind < out[p]:
                out[p] = kind
    return set(out.items())
