"""PlateReader: a rectified plate crop → text, per-character confidences and top-N candidates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from platewatch.engine import ctc
from platewatch.engine.models import READER, ReaderSpec
from platewatch.engine.onnx_runtime import OnnxModel
from platewatch.engine.preprocess import colour_batch, reader_batch
from platewatch.engine.syntax import PlateSyntax
from platewatch.engine.types import Candidate, OcrResult


def result_from_probs(
    probs: np.ndarray,
    spec: ReaderSpec,
    topn: int,
    syntax: PlateSyntax | None = None,
    state: str | None = None,
) -> OcrResult:
    """Decode one T×C probability matrix: beam search, optional syntax re-ranking, greedy char scores."""
    greedy_text, greedy_confs = ctc.greedy_decode(probs, spec.charset, spec.blank)
    beams = ctc.beam_search(probs, spec.charset, spec.blank, beam=max(8, topn), topn=max(topn, 5))
    beams = [(t, c) for t, c in beams if t] or [(greedy_text, 0.0)]
    if syntax is not None:
        beams = syntax.rerank(beams, state)
    text, conf = beams[0]
    # When the winner is not the greedy path (re-ranked or beam), spread its probability evenly.
    even = tuple(conf ** (1 / max(1, len(text))) for _ in text)
    chars = greedy_confs if text == greedy_text else even
    cands = tuple(Candidate(t, round(c, 4)) for t, c in beams[:topn])
    return OcrResult(text, float(conf), chars, cands)


def vote(results: Sequence[OcrResult], topn: int = 5) -> OcrResult:
    """One reading from several crops of the same plate: each candidate text's probability averaged over the crops
    (0 where a crop does not list it), the best mean first; its character confidences from the first crop that
    read it."""
    if len(results) == 1:
        return results[0]
    mean: dict[str, float] = defaultdict(float)
    for r in results:
        for c in r.candidates:
            mean[c.text] += c.confidence / len(results)
    ranked = sorted(mean.items(), key=lambda kv: -kv[1])
    text, conf = ranked[0]
    chars = next((r.char_confidences for r in results if r.text == text), results[0].char_confidences)
    return OcrResult(text, conf, chars, tuple(Candidate(t, round(c, 4)) for t, c in ranked[:topn]))


class PlateReader:
    """The CTC reader; `read` takes BGR (or grey) crops of whole plates, a little margin allowed."""

    def __init__(self, path: Path = READER, threads: int = 1, syntax: PlateSyntax | None = None) -> None:
        self.model = OnnxModel(path, threads)
        self.spec = ReaderSpec.load(path)
        self.syntax = syntax

    def probabilities(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """N×T×C per-step character probabilities."""
        batch = colour_batch if self.spec.channels == 3 else reader_batch
        out = self.model.run(batch(list(crops), self.spec.height, self.spec.width))[0]
        return ctc.softmax(out, axis=-1)

    def read(self, crop: np.ndarray, topn: int = 5, state: str | None = None) -> OcrResult:
        return self.read_many([crop], topn, [state])[0]

    def read_many(
        self, crops: Sequence[np.ndarray], topn: int = 5, states: Sequence[str | None] | None = None
    ) -> list[OcrResult]:
        if not crops:
            return []
        probs = self.probabilities(crops)
        states = list(states) if states is not None else [None] * len(crops)
        return [result_from_probs(p, self.spec, topn, self.syntax, s) for p, s in zip(probs, states, strict=True)]
