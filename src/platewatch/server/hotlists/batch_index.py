"""A vectorized hot-list index (numpy) that matches whole batches of reads at once.

Plates of up to 10 characters over A-Z0-9 are encoded *exactly* as base-37 integers (no hashing, no
collisions), and every kind of match becomes an equality of integer keys found with `searchsorted`:

* exact: the plate's code equals the entry's; look-alike: the canonical codes are equal;
* one substitution at position i: the codes with position i deleted, tagged with i, are equal;
* one character more in the read: the read with one character deleted equals the entry;
* one character less in the read: the read equals the entry with one character deleted.

Every key equality is exactly that relation, so no pair needs checking afterwards. The pure-Python
`platewatch.domain.matching.HotListIndex` is the reference; the tests hold the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from platewatch.domain.matching import Hit, ListedEntry, MatchKind, StateRule, make_hit
from platewatch.domain.plates import MAX_PLATE_LENGTH, canonical

WIDTH = MAX_PLATE_LENGTH  # 10 characters: 37**10 < 2**53, and a key with a position tag fits in int64
BASE = 37
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CODE = np.zeros(256, dtype=np.int64)
for _i, _ch in enumerate(ALPHABET):
    _CODE[ord(_ch)] = _i + 1
_POW = BASE ** np.arange(WIDTH - 1, -1, -1, dtype=np.int64)  # place values, first character highest

Int64Array = npt.NDArray[np.int64]


def _prepare(texts: Sequence[str]) -> tuple[list[str], Int64Array]:
    """The texts (cut to WIDTH when longer) and their lengths."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    if lengths.size and lengths.max() > WIDTH:
        texts = [t[:WIDTH] for t in texts]
        lengths = np.minimum(lengths, WIDTH)
    return list(texts), lengths


def _codes(joined: str, lengths: Int64Array) -> Int64Array:
    """N×WIDTH character codes of the plates whose concatenation is `joined` (A-Z0-9 only)."""
    n = lengths.size
    raw = np.zeros((n, WIDTH), dtype=np.uint8)
    if n:
        starts = np.cumsum(lengths) - lengths
        rows = np.repeat(np.arange(n), lengths)
        cols = np.arange(int(lengths.sum())) - np.repeat(starts, lengths)
        raw[rows, cols] = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    return _CODE[raw]


def _full(codes: Int64Array) -> Int64Array:
    return codes @ _POW


def _deletions(codes: Int64Array, lengths: Int64Array) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Keys of every one-character deletion: (row index, position, key)."""
    weighted = codes * _POW
    prefix = np.cumsum(weighted, axis=1) - weighted  # sum of characters before position i
    suffix = np.cumsum(weighted[:, ::-1], axis=1)[:, ::-1] - weighted  # sum after position i
    keys = prefix + suffix * BASE  # later characters move one place up
    rows, pos = np.nonzero(np.arange(WIDTH)[None, :] < lengths[:, None])
    return rows.astype(np.int64), pos.astype(np.int64), keys[rows, pos]


@dataclass(frozen=True)
class _Table:
    keys: Int64Array  # sorted
    entries: Int64Array  # entry index for each key
    run_end: Int64Array  # for each position, the end of its run of equal keys (saves a second search)

    @classmethod
    def build(cls, keys: Int64Array, entries: Int64Array) -> _Table:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        if keys.size == 0:
            return cls(keys, entries[order], np.zeros(0, dtype=np.int64))
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        lengths = np.diff(np.r_[starts, keys.size])
        run_end = np.repeat(starts + lengths, lengths).astype(np.int64)
        return cls(keys, entries[order], run_end)

    def lookup(self, queries: Int64Array, order: Int64Array | None = None) -> tuple[Int64Array, Int64Array]:
        """All (query index, entry index) pairs whose keys are equal.

        Queries are searched in sorted order: binary searches that walk the table in one direction stay
        in the CPU cache (about ten times faster than random order on a 7 M-key table).
        """
        empty = np.zeros(0, dtype=np.int64)
        if queries.size == 0 or self.keys.size == 0:
            return empty, empty
        if order is None:
            order = np.argsort(queries)
        sorted_q = queries[order]
        lo = np.searchsorted(self.keys, sorted_q, side="left")
        inside = lo < self.keys.size
        equal = np.zeros(sorted_q.size, dtype=bool)
        equal[inside] = self.keys[lo[inside]] == sorted_q[inside]
        hit = np.nonzero(equal)[0]
        if hit.size == 0:
            return empty, empty
        lo = lo[hit]
        counts = self.run_end[lo] - lo
        q = np.repeat(order[hit], counts)
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        offsets = np.arange(q.size, dtype=np.int64) + starts
        return q.astype(np.int64), self.entries[offsets]


@dataclass(frozen=True)
class BatchHits:
    """Hits of a batch as parallel arrays, one row per (read, entry) with its strongest match."""

    read: Int64Array  # index of the read in the batch
    entry: Int64Array  # index of the entry in the list given to BatchIndex
    kind: Int64Array  # MatchKind value
    rank: Int64Array  # which text of the read matched (0 = the top read)

    def __len__(self) -> int:
        return int(self.read.size)


class BatchIndex:
    """Build once per hot-list version; `match` a batch of reads (each: its texts, top first).

    `approximate` (default: every entry) says which entries are matched by look-alike and one edit as well: the others
    only exactly, and have no keys in those tables (a big list created with approximate matching off costs one table
    of one key per entry)."""

    def __init__(self, plates: Sequence[str], approximate: npt.NDArray[np.bool_] | None = None) -> None:
        self.size = len(plates)
        idx = np.arange(self.size, dtype=np.int64)
        cut, lengths = _prepare(plates)
        joined = "".join(cut)
        codes, can_codes = _codes(joined, lengths), _codes(canonical(joined), lengths)
        self._exact = _Table.build(_full(codes), idx)
        if approximate is not None:
            idx, can_codes, lengths = idx[approximate], can_codes[approximate], lengths[approximate]
        self._canonical = _Table.build(_full(can_codes), idx)
        rows, pos, keys = _deletions(can_codes, lengths)
        self._deleted_at = _Table.build(keys * 16 + pos, idx[rows])  # substitutions: same position removed
        self._deleted = _Table.build(keys, idx[rows])  # the read is one character shorter

    def match(self, reads: Sequence[Sequence[str]]) -> BatchHits:
        texts = [t for read in reads for t in read]
        if not texts or self.size == 0:
            z = np.zeros(0, dtype=np.int64)
            return BatchHits(z, z, z, z)
        per_read = np.fromiter(map(len, reads), dtype=np.int64, count=len(reads))
        own = np.repeat(np.arange(len(reads), dtype=np.int64), per_read)
        rk = np.arange(len(texts), dtype=np.int64) - np.repeat(np.cumsum(per_read) - per_read, per_read)
        cut, lengths = _prepare(texts)
        joined = "".join(cut)
        codes, can_codes = _codes(joined, lengths), _codes(canonical(joined), lengths)
        full, can = _full(codes), _full(can_codes)
        parts: list[tuple[Int64Array, Int64Array, int]] = []
        q, e = self._exact.lookup(full)
        parts.append((q, e, MatchKind.EXACT))
        if self._canonical.keys.size:  # some entries are matched approximately too
            parts += self._approximate(can_codes, can, lengths)
        text_idx = np.concatenate([p[0] for p in parts])
        entry = np.concatenate([p[1] for p in parts])
        kind = np.concatenate([np.full(p[0].size, int(p[2]), dtype=np.int64) for p in parts])
        read, rnk = own[text_idx], rk[text_idx]
        # Keep each (read, entry) once, with the strongest kind, then the best-ranked text: one packed
        # int64 sort key (pair, then kind, then rank) sorts far faster than a lexsort of four arrays.
        packed = ((read * self.size + entry) << 8) | (kind << 5) | np.minimum(rnk, 31)
        packed.sort()
        pair = packed >> 8
        first = np.ones(packed.size, dtype=bool)
        first[1:] = pair[1:] != pair[:-1]
        best = packed[first]
        pair = best >> 8
        return BatchHits(pair // self.size, pair % self.size, (best >> 5) & 7, best & 31)

    def _approximate(
        self, can_codes: Int64Array, can: Int64Array, lengths: Int64Array
    ) -> list[tuple[Int64Array, Int64Array, int]]:
        """(text index, entry index, kind) of the look-alike and one-edit matches of the texts."""
        out: list[tuple[Int64Array, Int64Array, int]] = []
        # Look-alike and one-edit matches depend only on the canonical form: candidates often share it
        # with the top read, so search each distinct form once and hand its hits to every text that has it.
        uniq, first_text, inverse = np.unique(can, return_index=True, return_inverse=True)
        u_codes, u_len = can_codes[first_text], lengths[first_text]
        u_parts: list[tuple[Int64Array, Int64Array, int]] = []
        in_order = np.arange(uniq.size, dtype=np.int64)  # np.unique returns its values sorted
        q, e = self._canonical.lookup(uniq, in_order)
        u_parts.append((q, e, MatchKind.LOOKALIKE))
        rows, pos, keys = _deletions(u_codes, u_len)
        tagged = keys * 16 + pos
        by_key = np.argsort(tagged)  # also orders `keys`: the tag only breaks ties
        q, e = self._deleted_at.lookup(tagged, by_key)
        u_parts.append((rows[q], e, MatchKind.ONE_EDIT))
        q, e = self._canonical.lookup(keys, by_key)  # the read has one character more
        u_parts.append((rows[q], e, MatchKind.ONE_EDIT))
        q, e = self._deleted.lookup(uniq, in_order)  # the read has one character less
        u_parts.append((q, e, MatchKind.ONE_EDIT))
        by_form = np.argsort(inverse, kind="stable")  # texts grouped by their canonical form
        form_count = np.bincount(inverse, minlength=uniq.size)
        form_start = np.cumsum(form_count) - form_count
        for uq, ue, match_kind in u_parts:
            n = form_count[uq]
            texts_of = by_form[np.repeat(form_start[uq] - np.cumsum(n) + n, n) + np.arange(n.sum())]
            out.append((texts_of, np.repeat(ue, n), match_kind))
        return out


_KINDS = tuple(MatchKind)  # by value: MatchKind(k) costs more than the rest of a hit


class ListIndex:
    """Listed entries with their batch index: matches a batch of reads into the domain's `Hit`s.

    Entries of the lists in `exact_only` (list ids, as `ListedEntry.list_id`: lists created with approximate matching
    off) are matched exactly only: their look-alike and one-edit hits, which `alerts.service.raise_alerts` would drop,
    are never looked for nor made into `Hit`s."""

    def __init__(self, listed: Sequence[ListedEntry], exact_only: Collection[str] = ()) -> None:
        self.listed = list(listed)
        plates = [item.entry.plate for item in self.listed]
        if exact_only:
            approximate = np.fromiter((i.list_id not in exact_only for i in self.listed), bool, len(self.listed))
            self.index = BatchIndex(plates, approximate)
        else:
            self.index = BatchIndex(plates)

    @property
    def size(self) -> int:
        return self.index.size

    def match(
        self, reads: Sequence[tuple[Sequence[str], str | None]], rule: StateRule = StateRule.LOWER
    ) -> list[list[Hit]]:
        """For each read (its texts, top first, and its state): its hits, strongest first."""
        found = self.index.match([texts for texts, _ in reads])
        out: list[list[Hit]] = [[] for _ in reads]
        for r, e, k, rank in zip(
            found.read.tolist(), found.entry.tolist(), found.kind.tolist(), found.rank.tolist(), strict=True
        ):
            texts, state = reads[r]
            hit = make_hit(self.listed[e], texts[rank], rank, _KINDS[k], state, rule)
            if hit is not None:
                out[r].append(hit)
        for hits in out:
            hits.sort(key=Hit.sort_key)
        return out
