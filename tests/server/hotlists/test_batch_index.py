"""The vectorized index gives exactly the hits of the reference (pure-Python) index."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from platewatch.domain.hotlists import HotListEntry
from platewatch.domain.matching import HotListIndex, ListedEntry, MatchKind
from platewatch.server.hotlists.batch_index import BatchIndex, ListIndex

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
plates = st.text(alphabet=ALNUM, min_size=1, max_size=10)


def reference(entries: list[str], reads: list[list[str]]) -> set[tuple[int, str, int, int]]:
    idx = HotListIndex([ListedEntry(HotListEntry(p), "l", 3, i) for i, p in enumerate(entries)])
    out = set()
    for r, texts in enumerate(reads):
        for h in idx.match(texts):
            out.add((r, h.listed.entry.plate, int(h.kind), h.candidate_rank))
    return out


def batch(entries: list[str], reads: list[list[str]]) -> set[tuple[int, str, int, int]]:
    hits = BatchIndex(entries).match(reads)
    return {
        (int(r), entries[int(e)], int(k), int(n))
        for r, e, k, n in zip(hits.read, hits.entry, hits.kind, hits.rank, strict=True)
    }


@given(
    st.lists(plates, min_size=1, max_size=40, unique=True),
    st.lists(st.lists(plates, min_size=1, max_size=3), max_size=10),
)
@settings(max_examples=300)
def test_same_hits_as_the_reference(entries: list[str], reads: list[list[str]]) -> None:
    assert batch(entries, reads) == reference(entries, reads)


def test_literal_cases() -> None:
    entries = ["ABC1234", "XYZ99", "A8C123"]
    reads = [["ABC1234"], ["A8C1234"], ["ABC123"], ["XYZ9"], ["QQQ"], ["ZZZ", "XYZ999"]]
    got = batch(entries, reads)
    assert (0, "ABC1234", MatchKind.EXACT, 0) in got
    assert (1, "ABC1234", MatchKind.LOOKALIKE, 0) in got
    assert (2, "ABC1234", MatchKind.ONE_EDIT, 0) in got and (2, "A8C123", MatchKind.LOOKALIKE, 0) in got
    assert (3, "XYZ99", MatchKind.ONE_EDIT, 0) in got
    assert not any(r == 4 for r, *_ in got)
    assert (5, "XYZ99", MatchKind.ONE_EDIT, 1) in got


def test_larger_random_lists() -> None:
    rng = random.Random(3)
    entries = list({"".join(rng.choice(ALNUM) for _ in range(rng.randint(4, 8))) for _ in range(2000)})
    reads = []
    for _ in range(400):
        base = rng.choice(entries)
        mutated = base[:2] + rng.choice(ALNUM) + base[3:]
        reads.append([mutated, base[:-1], "".join(rng.choice(ALNUM) for _ in range(6))])
    assert batch(entries, reads) == reference(entries, reads)


def test_empty_inputs() -> None:
    assert len(BatchIndex([]).match([["ABC"]])) == 0
    assert len(BatchIndex(["ABC"]).match([])) == 0


@given(
    st.lists(plates, min_size=1, max_size=40, unique=True),
    st.lists(st.lists(plates, min_size=1, max_size=3), max_size=10),
    st.data(),
)
@settings(max_examples=200)
def test_exact_only_lists_keep_only_their_exact_hits(
    entries: list[str], reads: list[list[str]], data: st.DataObject
) -> None:
    """Entries of lists with approximate matching off (issue 23): exactly the reference's hits less their look-alike
    and one-edit ones, which are never made into `Hit`s (what `raise_alerts` dropped after making them)."""
    lists = data.draw(st.lists(st.sampled_from(["a", "b"]), min_size=len(entries), max_size=len(entries)))
    listed = [ListedEntry(HotListEntry(p), lists[i], 3, i) for i, p in enumerate(entries)]
    expected = {
        (r, h.listed.entry.plate, h.kind, h.candidate_rank)
        for r, texts in enumerate(reads)
        for h in HotListIndex(listed).match(texts)
        if h.listed.list_id == "a" or h.kind is MatchKind.EXACT
    }
    found = ListIndex(listed, exact_only={"b"}).match([(texts, None) for texts in reads])
    got = {(r, h.listed.entry.plate, h.kind, h.candidate_rank) for r, hits in enumerate(found) for h in hits}
    assert got == expected
    assert all(isinstance(h.kind, MatchKind) for hits in found for h in hits)
