"""State guesses from classifier probabilities (literal inputs)."""

from __future__ import annotations

import numpy as np

from platewatch.engine.state import NOT_US, guess_from_probs
from platewatch.engine.types import StateGuess

CLASSES = ("CT", "NY", NOT_US)


def test_a_confident_state() -> None:
    assert guess_from_probs(np.array([0.7, 0.2, 0.1]), CLASSES, 0.2) == StateGuess("CT", 0.7)


def test_a_confident_non_us_plate_is_foreign() -> None:
    guess = guess_from_probs(np.array([0.1, 0.1, 0.8]), CLASSES, 0.2)
    assert guess.state is None and guess.foreign and guess.confidence == 0.8


def test_an_unsure_guess_is_neither_a_state_nor_foreign() -> None:
    guess = guess_from_probs(np.array([0.15, 0.1, 0.12]), CLASSES, 0.2)
    assert guess.state is None and not guess.foreign
