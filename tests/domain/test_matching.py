"""Hot-list matching: exact, look-alike, one edit, every OCR candidate, state rule, and ranking."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platewatch.domain.hotlists import Category, HotListEntry
from platewatch.domain.matching import HotListIndex, ListedEntry, MatchKind, StateRule, naive_match
from platewatch.domain.plates import LOOKALIKE_CLASSES, canonical

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
plates = st.text(alphabet=ALNUM, min_size=2, max_size=8)


def index(*specs: tuple[str, str | None, Category]) -> HotListIndex:
    return HotListIndex.from_entries([HotListEntry(p, s, c) for p, s, c in specs], "list")


STOLEN = Category.STOLEN_VEHICLE


@pytest.mark.parametrize(
    ("texts", "kind", "reason"),
    [
        (["ABC1234"], MatchKind.EXACT, "exact match of the top read"),
        (["A8C1234"], MatchKind.LOOKALIKE, "look-alike characters (8~B)"),
        (["A8CI234"], MatchKind.LOOKALIKE, "8~B, I~1"),
        (["ABC123"], MatchKind.ONE_EDIT, "one character added, dropped or changed"),
        (["ABC12345"], MatchKind.ONE_EDIT, "one character"),
        (["XBC1234"], MatchKind.ONE_EDIT, "one character"),
        (["ZZZ0000", "ABC1234"], MatchKind.EXACT, "exact match of OCR candidate 1"),
    ],
)
def test_kinds_and_reasons(texts: list[str], kind: MatchKind, reason: str) -> None:
    hits = index(("ABC1234", "CT", STOLEN)).match(texts, "CT")
    assert len(hits) == 1
    assert hits[0].kind is kind
    assert reason in hits[0].reason


@pytest.mark.parametrize("texts", [["XYZ1234"], ["ABC12"], ["AB"], ["ZBC1235"]])
def test_no_hit(texts: list[str]) -> None:
    assert index(("ABC1234", "CT", STOLEN)).match(texts, "CT") == []


def test_exact_only_when_approximate_is_off() -> None:
    idx = index(("ABC1234", None, STOLEN))
    assert idx.match(["A8C1234"], None, approximate=False) == []
    assert idx.match(["ABC1234"], None, approximate=False)[0].kind is MatchKind.EXACT


@pytest.mark.parametrize(
    ("rule", "count", "priority", "state_match"),
    [(StateRule.LOWER, 1, 2 + 3, False), (StateRule.HIDE, 0, None, None), (StateRule.IGNORE, 1, 2, None)],
)
def test_state_mismatch(rule: StateRule, count: int, priority: int | None, state_match: bool | None) -> None:
    hits = index(("ABC1234", "NY", STOLEN)).match(["ABC1234"], "CT", state_rule=rule)
    assert len(hits) == count
    if hits:
        assert hits[0].priority == priority and hits[0].state_match is state_match


def test_entry_without_state_matches_any_state() -> None:
    hits = index(("ABC1234", None, Category.AMBER)).match(["ABC1234"], "CT")
    assert hits[0].state_match is None and hits[0].priority == 1


def test_ranking_exact_then_lookalike_then_edit_then_priority() -> None:
    idx = index(
        ("ABC1235", None, Category.AMBER),  # one edit, priority 1
        ("A8C1234", None, Category.REGISTRATION),  # look-alike, priority 5
        ("ABC1234", None, Category.SEX_OFFENDER),  # exact, priority 4
    )
    hits = idx.match(["ABC1234"], None)
    assert [h.kind for h in hits] == [MatchKind.EXACT, MatchKind.LOOKALIKE, MatchKind.ONE_EDIT]


def test_one_hit_per_entry_with_its_strongest_match() -> None:
    hits = index(("ABC1234", None, STOLEN)).match(["A8C1234", "ABC1234", "ABC123"], None)
    assert len(hits) == 1 and hits[0].kind is MatchKind.EXACT and hits[0].candidate_rank == 1


@given(plates)
def test_a_plate_matches_itself_exactly(plate: str) -> None:
    hits = HotListIndex.from_entries([HotListEntry(plate)]).match([plate])
    assert hits and hits[0].kind is MatchKind.EXACT


@given(plates, st.data())
def test_a_plate_matches_its_lookalike_variants(plate: str, data: st.DataObject) -> None:
    variant = "".join(
        data.draw(st.sampled_from(sorted(next((c for c in LOOKALIKE_CLASSES if ch in c), {ch})))) for ch in plate
    )
    hits = HotListIndex.from_entries([HotListEntry(plate)]).match([variant])
    assert hits and hits[0].kind <= MatchKind.LOOKALIKE
    assert canonical(variant) == canonical(plate)


@given(st.lists(plates, min_size=1, max_size=30, unique=True), st.lists(plates, min_size=1, max_size=3))
@settings(max_examples=200)
def test_index_agrees_with_a_naive_scan_and_exact_hits_come_first(entries: list[str], texts: list[str]) -> None:
    listed = [ListedEntry(HotListEntry(p), "l", 3) for p in entries]
    hits = HotListIndex(listed).match(texts)
    assert {(h.listed.entry.plate, h.kind) for h in hits} == naive_match(listed, texts)
    kinds = [h.kind for h in hits]
    assert kinds == sorted(kinds)  # approximate hits never outrank exact ones


def test_large_list_against_naive_scan() -> None:
    rng = random.Random(7)
    entries = ["".join(rng.choice(ALNUM) for _ in range(rng.randint(5, 7))) for _ in range(3000)]
    listed = [ListedEntry(HotListEntry(p), "l", 3) for p in entries]
    idx = HotListIndex(listed)
    for _ in range(300):
        base = rng.choice(entries) if rng.random() < 0.5 else "".join(rng.choice(ALNUM) for _ in range(6))
        text = base[:2] + rng.choice(ALNUM) + base[3:] if rng.random() < 0.5 else base
        assert {(h.listed.entry.plate, h.kind) for h in idx.match([text])} == naive_match(listed, [text])
