"""Pipeline: detector → crop with margin → state classifier → reader (with the syntax prior) → PlateRead."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from platewatch.engine.detector import PlateDetector
from platewatch.engine.models import DETECTOR, READER, STATE
from platewatch.engine.preprocess import crop, to_bgr
from platewatch.engine.reader import PlateReader, vote
from platewatch.engine.state import StateClassifier
from platewatch.engine.syntax import load_syntax
from platewatch.engine.types import Box, Detection, OcrResult, PlateRead, StateGuess

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    margin: tuple[float, float] = (0.04, 0.06)
    """Crop margin around a detected box (fraction of its width, height). About the mean of the margins the
    reader trains on (photo crops: -3..10 % of the width, -5..16 % of the height per side; pasted crops:
    2 %/4 % with detector-like jitter); a box that cuts into the plate loses end characters."""
    reread_margins: tuple[tuple[float, float], ...] = ((0.02, 0.03), (0.08, 0.11))
    """Further margins at which a detection is also cut and read when its reading is unsure; the readings of its
    crops are combined (`reader.vote`). Crops that differ by a few pixels err differently, so their agreement is a
    better guess than any one of them: 16 more exact reads of 1,661 (MODEL_CARD, "Reading unsure plates at three
    margins"). `()` reads one crop."""
    reread_below: float = 0.90
    """Only a detection whose reading at `margin` is less sure than this is read at `reread_margins` too (above
    1: every detection); sure readings, most plates, cost nothing more."""
    reread_floor: float = 0.05
    """A detection whose reading at `margin` is less sure than this is not read again: it is most likely no plate, and
    is dropped (`min_text_confidence`). Most of the detections that are not plates are such (rule TTA-3)."""
    topn: int = 5
    home_state: str | None = "CT"
    min_text_confidence: float = 0.05
    """Detections whose best reading is less likely than this are dropped (mostly not plates)."""
    min_chars: int = 2
    max_plates: int = 10


class Pipeline:
    def __init__(
        self,
        detector: PlateDetector,
        reader: PlateReader,
        states: StateClassifier | None = None,
        config: PipelineConfig = PipelineConfig(),
    ) -> None:
        self.detector, self.reader, self.states, self.config = detector, reader, states, config

    @classmethod
    def default(
        cls,
        threads: int = 1,
        config: PipelineConfig = PipelineConfig(),
        reader: Path = READER,
        state: Path = STATE,
        detector: Path = DETECTOR,
    ) -> Pipeline:
        """The shipped models (the state classifier when its file is there); `detector`/`reader`/`state` swap
        in others (a candidate model measured with the same pipeline)."""
        syntax = load_syntax(config.home_state)
        states = StateClassifier(state, threads) if state.is_file() else None
        return cls(PlateDetector(detector, threads), PlateReader(reader, threads, syntax), states, config)

    def warmup(self) -> None:
        """Run every model once so that the first real frame is not timed with session start-up."""
        frame = np.full((360, 640, 3), 128, np.uint8)
        self.detector.detect(frame)
        self._read([frame[:64, :128]], [Detection((0.0, 0.0, 128.0, 64.0), 1.0)], keep_empty=True)

    def run(self, frame: np.ndarray) -> list[PlateRead]:
        """Every plate read in a frame (grey, BGR or BGRA uint8), most confident first."""
        frame = to_bgr(frame)
        detections = self.detector.detect(frame)[: self.config.max_plates]
        crops = [crop(frame, d.box, self.config.margin) for d in detections]
        more = [[crop(frame, d.box, m) for d in detections] for m in self.config.reread_margins]
        return self._read(crops, detections, more=more)

    def read_crop(self, plate: np.ndarray) -> PlateRead:
        """Read a crop that is already one whole plate (no detection)."""
        h, w = plate.shape[:2]
        det = Detection((0.0, 0.0, float(w), float(h)), 1.0)
        reads = self._read([to_bgr(plate)], [det], keep_empty=True)
        return reads[0]

    def _read(
        self,
        crops: list[np.ndarray],
        detections: list[Detection],
        keep_empty: bool = False,
        more: list[list[np.ndarray]] | None = None,
    ) -> list[PlateRead]:
        """Read each detection's crop (and its crops at the other margins, `more`, one list per margin)."""
        if not crops:
            return []
        guesses = self.states.classify_many(crops) if self.states else [StateGuess(None, 0.0)] * len(crops)
        results = self._ocr(crops, more or [], [g.region for g in guesses])
        reads = []
        for det, ocr, guess in zip(detections, results, guesses, strict=True):
            weak = len(ocr.text) < self.config.min_chars or ocr.confidence < self.config.min_text_confidence
            if weak and not keep_empty:
                continue
            box: Box = tuple(round(v, 1) for v in det.box)  # type: ignore[assignment]
            reads.append(
                PlateRead(
                    text=ocr.text,
                    confidence=ocr.confidence,
                    box=box,
                    detection_score=det.score,
                    char_confidences=ocr.char_confidences,
                    candidates=ocr.candidates,
                    state=guess.state,
                    state_confidence=guess.confidence if guess.state else None,
                )
            )
        reads.sort(key=lambda r: r.confidence, reverse=True)
        log.debug("%d plates read", len(reads))
        return reads

    def _ocr(self, crops: list[np.ndarray], more: list[list[np.ndarray]], regions: list[str | None]) -> list[OcrResult]:
        """The reader on every crop; a detection whose reading is less sure than `reread_below` is read at the other
        margins too (in one batch), and its readings combined in the order of their margins (narrowest first)."""
        topn = self.config.topn
        first = self.reader.read_many(crops, topn, regions)
        floor, below = self.config.reread_floor, self.config.reread_below
        unsure = [j for j, r in enumerate(first) if floor <= r.confidence < below] if more else []
        if not unsure:
            return first
        margins = [self.config.margin, *self.config.reread_margins]
        groups = [crops, *more]
        order = sorted(range(len(groups)), key=lambda k: margins[k])  # narrowest first
        extra = [k for k in order if k]
        again = iter(
            self.reader.read_many(
                [groups[k][j] for j in unsure for k in extra], topn, [regions[j] for j in unsure for _ in extra]
            )
        )
        out = list(first)
        for j in unsure:
            reading = {0: first[j]} | {k: next(again) for k in extra}
            out[j] = vote([reading[k] for k in order], topn)
        return out
