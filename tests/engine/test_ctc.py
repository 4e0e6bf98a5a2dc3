"""CTC decoding on hand-built probability matrices."""

from __future__ import annotations

import numpy as np
import pytest

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
