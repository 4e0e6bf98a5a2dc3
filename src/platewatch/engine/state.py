"""StateClassifier: a plate crop → the issuing US state and a confidence (None when not sure)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from platewatch.engine.ctc import softmax
from platewatch.engine.models import STATE, StateSpec
from platewatch.engine.onnx_runtime import OnnxModel
from platewatch.engine.preprocess import colour_batch
from platewatch.engine.types import NOT_US, StateGuess

__all__ = ["NOT_US", "StateClassifier", "guess_from_probs"]


def guess_from_probs(probs: np.ndarray, classes: Sequence[str], min_confidence: float) -> StateGuess:
    """The best class; None for the non-US class (flagged `foreign`) or a confidence under `min_confidence`."""
    k = int(np.argmax(probs))
    conf = float(probs[k])
    code = classes[k]
    if conf < min_confidence:
        return StateGuess(None, conf)
    if code == NOT_US:
        return StateGuess(None, conf, foreign=True)
    return StateGuess(code, conf)


class StateClassifier:
    def __init__(self, path: Path = STATE, threads: int = 1, min_confidence: float = 0.2) -> None:
        self.model = OnnxModel(path, threads)
        self.spec = StateSpec.load(path)
        self.min_confidence = min_confidence

    def classify(self, crop: np.ndarray) -> StateGuess:
        return self.classify_many([crop])[0]

    def classify_many(self, crops: Sequence[np.ndarray]) -> list[StateGuess]:
        if not crops:
            return []
        logits = self.model.run(colour_batch(list(crops), self.spec.height, self.spec.width))[0]
        probs = softmax(logits, axis=-1)
        return [guess_from_probs(p, self.spec.classes, self.min_confidence) for p in probs]
