"""CTC decoding on hand-built probability matrices."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platewatch.engine.ctc import beam_search, greedy_decode, softmax

CHARSET = "AB"  # class 0 blank, 1 'A', 2 'B'


def probs(rows: list[list[float]]) -> np.ndarray:
    return np.asarray(rows, dtype=np.float32)


def test_greedy_merges_repeats_and_drops_blanks() -> None:
    p = probs([[0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.9, 0.05, 0.05], [0.1, 0.85, 0.05], [0.1, 0.1, 0.8]])
    text, confs = greedy_decode(p, CHARSET)
    assert text == "AAB"
    assert confs == pytest.approx((0.8, 0.85, 0.8))


def test_greedy_on_all_blank_is_empty() -> None:
    text, confs = greedy_decode(probs([[0.9, 0.05, 0.05]] * 4), CHARSET)
    assert (text, confs) == ("", ())


def test_beam_search_sums_alignments() -> None:
    # Two steps. P("A") = P(A,A) + P(A,-) + P(-,A) = .36 + .24 + .24 = .84 beats the greedy path alone.
    p = probs([[0.4, 0.6, 0.0], [0.4, 0.6, 0.0]])
    best = beam_search(p, CHARSET, beam=4, topn=3)
    assert best[0][0] == "A"
    assert best[0][1] == pytest.approx(0.84, abs=1e-4)
    assert sum(c for _, c in best) <= 1.0 + 1e-6


def test_beam_search_keeps_runner_up_candidates() -> None:
    p = probs([[0.0, 0.7, 0.3], [1.0, 0.0, 0.0], [0.0, 0.55, 0.45]])
    texts = [t for t, _ in beam_search(p, CHARSET, beam=8, topn=4)]
    assert texts[0] == "AA"
    assert set(texts) == {"AA", "AB", "BA", "BB"}


def test_repeated_character_needs_a_blank() -> None:
    p = probs([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    assert beam_search(p, CHARSET)[0][0] == "A"
    p = probs([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert beam_search(p, CHARSET)[0][0] == "AA"


def test_softmax_of_log_probabilities_round_trips() -> None:
    p = probs([[0.2, 0.3, 0.5]])
    assert softmax(np.log(p)) == pytest.approx(p, abs=1e-6)


def _brute_force(m: np.ndarray, charset: str) -> dict[str, float]:
    """P(text) summed over every alignment (tiny T only)."""
    out: dict[str, float] = {}
    for path in itertools.product(range(m.shape[1]), repeat=m.shape[0]):
        text, prev = [], 0
        for k in path:
            if k and k != prev:
                text.append(charset[k - 1])
            prev = k
        p = float(np.prod([m[t, k] for t, k in enumerate(path)]))
        out["".join(text)] = out.get("".join(text), 0.0) + p
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_beam_search_matches_every_alignment_summed(seed: int) -> None:
    # Random 5×3 matrices where some steps are almost surely blank (the search's shortcut for those steps).
    rng = np.random.default_rng(seed)
    m = rng.dirichlet(np.ones(3) * 0.5, size=5)
    for t in np.flatnonzero(rng.random(5) < 0.4):
        m[t] = [1 - 2e-4, 1e-4, 1e-4]
    exact = _brute_force(m, CHARSET)
    for text, p in beam_search(m.astype(np.float32), CHARSET, beam=64, topn=10):
        assert p == pytest.approx(exact[text], abs=2e-3)  # characters under PRUNE are not extended
