"""PlateReader: a rectified plate crop → text, per-character confidences and top-N candidates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
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
    """The CTC reader; `read` takes BGR (or grey) crops of whole plates, a little margin allowed.

    Given several model files (readers of one output: the same time steps and charset, for example a grey and a
    colour reader of one graph), it reads each crop with every one and decodes the mean of their per-step
    character probabilities (rule VOTE-3)."""

    def __init__(
        self, path: Path | Sequence[Path] = READER, threads: int = 1, syntax: PlateSyntax | None = None
    ) -> None:
        paths = [path] if isinstance(path, Path) else list(path)
        if not paths:
            raise ValueError("a reader needs at least one model file")
        self.models = [(OnnxModel(p, threads), ReaderSpec.load(p)) for p in paths]
        self.spec = self.models[0][1]
        for p, (_, spec) in zip(paths[1:], self.models[1:], strict=True):
            if replace(spec, channels=self.spec.channels) != self.spec:  # grey and colour readers average
                raise ValueError(f"{p.name}: another input size or charset than {paths[0].name}; not averaged")
        self.syntax = syntax

    def probabilities(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """N×T×C per-step character probabilities (the mean over the models)."""
        outs = []
        for model, spec in self.models:
            batch = colour_batch if spec.channels == 3 else reader_batch
            outs.append(ctc.softmax(model.run(batch(list(crops), spec.height, spec.width))[0], axis=-1))
        return outs[0] if len(outs) == 1 else np.mean(outs, axis=0)

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
