"""Pipeline: detector → crop with margin → state classifier → reader (or small plates' reader) → PlateRead."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from platewatch.engine.detector import PlateDetector
from platewatch.engine.ignore_regions import IgnoreRegion, ignored
from platewatch.engine.models import DETECTOR, DETECTOR_SIZES, READER, RECTIFIER, SMALL_READER, STATE
from platewatch.engine.preprocess import crop, to_bgr
from platewatch.engine.reader import PlateReader, vote
from platewatch.engine.rectifier import PlateRectifier, upright
from platewatch.engine.state import StateClassifier
from platewatch.engine.syntax import load_syntax
from platewatch.engine.types import FOUND_PLAINLY, TEXT_FLOOR, Box, Detection, OcrResult, PlateRead, StateGuess

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
    min_text_confidence: float = TEXT_FLOOR
    """Detections whose best reading is less likely than this are dropped (mostly not plates), unless the detector is
    sure of them (`keep_found_above`)."""
    keep_found_above: float = FOUND_PLAINLY
    """A detection the detector scores at least this high is reported even when its reading is less likely than
    `min_text_confidence`: a plate too dark, small or coloured to read is still a plate whose image an officer or an
    investigator can look at (its reading keeps its low confidence). On the train rows' scenes 0.75 kept 10 of 13
    such plates and 1 detection of no labelled plate (rules KEEP-1, KEEP-2). Above 1: never."""
    min_chars: int = 2
    max_plates: int = 10
    small_below: float = 110.0
    """A detection narrower than this (frame pixels) is read by the pipeline's `small_reader` when it has one: the
    widths issue 21 names for distant plates (45–110 px in a 1280-px photo), where a reader trained for them reads
    better than the one that reads large plates best (rule ROUTE-1)."""
    ignore: tuple[IgnoreRegion, ...] = ()
    """Parts of the camera's view where a detection is dropped before it is read (its box's centre inside): a clock
    burned into the video, a sign a fixed camera always sees. `run` only; a given crop is always read."""


class Pipeline:
    def __init__(
        self,
        detector: PlateDetector,
        reader: PlateReader,
        states: StateClassifier | None = None,
        config: PipelineConfig = PipelineConfig(),
        rectifier: PlateRectifier | None = None,
        small_reader: PlateReader | None = None,
    ) -> None:
        self.detector, self.reader, self.states, self.config = detector, reader, states, config
        self.rectifier = rectifier
        self.small_reader = small_reader

    @classmethod
    def default(
        cls,
        threads: int = 1,
        config: PipelineConfig = PipelineConfig(),
        reader: Path | Sequence[Path] = READER,
        state: Path = STATE,
        detector: Path = DETECTOR,
        rectifier: Path = RECTIFIER,
        detector_size: int | None = None,
        small_reader: Path | Sequence[Path] | None = SMALL_READER,
    ) -> Pipeline:
        """The shipped models (the state classifier, the rectifier and the small plates' reader when their files are
        there); `detector`/`reader`/`state`/`rectifier`/`small_reader` swap in others (a candidate model measured
        with the same pipeline; several reader files are read as one, `PlateReader`; `small_reader=None`: one reader
        for every plate).
        `detector_size`: the detector's input (longer side, pixels) in place of its own (960): smaller is faster and
        finds fewer small plates (`docs/operations.md`, "A slower unit computer")."""
        low, high = DETECTOR_SIZES
        if detector_size is not None and not low <= detector_size <= high:
            raise ValueError(f"the detector size must be {low}–{high} pixels, not {detector_size}")
        syntax = load_syntax(config.home_state)
        states = StateClassifier(state, threads) if state.is_file() else None
        rectifying = PlateRectifier(rectifier, threads) if rectifier.is_file() else None
        finder = PlateDetector(detector, threads, long_side=detector_size)
        small = None
        smalls = (
            [] if small_reader is None else [small_reader] if isinstance(small_reader, Path) else list(small_reader)
        )
        if smalls and (smalls != [SMALL_READER] or SMALL_READER.is_file()):  # only the shipped file may be absent
            small = PlateReader(smalls, threads, syntax)
        return cls(finder, PlateReader(reader, threads, syntax), states, config, rectifying, small)

    def warmup(self) -> None:
        """Run every model once so that the first real frame is not timed with session start-up."""
        frame = np.full((360, 640, 3), 128, np.uint8)
        self.detector.detect(frame)
        if self.rectifier is not None:
            self.rectifier.corners(frame, [(0.0, 0.0, 128.0, 64.0)])
        self._read([frame[:64, :128]], [Detection((0.0, 0.0, 128.0, 64.0), 1.0)], keep_empty=True)
        if self.small_reader is not None:
            self.small_reader.read(frame[:32, :64])

    def run(self, frame: np.ndarray) -> list[PlateRead]:
        """Every plate read in a frame (grey, BGR or BGRA uint8), most confident first."""
        frame = to_bgr(frame)
        detections = self.detector.detect(frame)
        if self.config.ignore:
            h, w = frame.shape[:2]
            detections = [d for d in detections if not ignored(d.box, w, h, self.config.ignore)]
        detections = detections[: self.config.max_plates]
        crops = [crop(frame, d.box, self.config.margin) for d in detections]
        return self._read(crops, detections, frame=frame)

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
        frame: np.ndarray | None = None,
    ) -> list[PlateRead]:
        """Read each detection's crop; given the `frame` they were cut from, unsure readings are read again."""
        if not crops:
            return []
        guesses = self.states.classify_many(crops) if self.states else [StateGuess(None, 0.0)] * len(crops)
        regions = [g.region for g in guesses]
        results = self._read_each([self._reader_of(d) for d in detections], crops, regions)
        if frame is not None:
            results = self._again(frame, detections, results, regions)
        reads = []
        for det, ocr, guess in zip(detections, results, guesses, strict=True):
            unsure = ocr.confidence < self.config.min_text_confidence and det.score < self.config.keep_found_above
            weak = len(ocr.text) < self.config.min_chars or unsure
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

    def _again(
        self, frame: np.ndarray, detections: list[Detection], first: list[OcrResult], regions: list[str | None]
    ) -> list[OcrResult]:
        """A detection whose reading is unsure (from `reread_floor`, below `reread_below`) is read again at every
        margin (`margin` and `reread_margins`; all unsure detections in one batch) and its readings are voted,
        narrowest margin first: the plate warped upright from its corners when the pipeline has a rectifier that finds
        plausible ones, else its box crops (whose reading at `margin` is the one already made)."""
        floor, below, topn = self.config.reread_floor, self.config.reread_below, self.config.topn
        unsure = [j for j, r in enumerate(first) if floor <= r.confidence < below] if self.config.reread_margins else []
        if not unsure:
            return first
        margins = sorted([self.config.margin, *self.config.reread_margins])
        boxes = [detections[j].box for j in unsure]
        quads = self.rectifier.corners(frame, boxes) if self.rectifier is not None else [None] * len(unsure)
        plans = [
            [None if m == self.config.margin else crop(frame, box, m) for m in margins]
            if quad is None
            else [upright(frame, quad, m) for m in margins]
            for box, quad in zip(boxes, quads, strict=True)
        ]
        todo = [
            (self._reader_of(detections[j]), c, regions[j])
            for j, plan in zip(unsure, plans, strict=True)
            for c in plan
            if c is not None
        ]
        again = iter(self._read_each([r for r, _, _ in todo], [c for _, c, _ in todo], [s for _, _, s in todo]))
        out = list(first)
        for j, plan in zip(unsure, plans, strict=True):
            out[j] = vote([first[j] if c is None else next(again) for c in plan], topn)
        return out

    def _reader_of(self, detection: Detection) -> PlateReader:
        """The reader for a detection: the small plates' one below `small_below` pixels wide, when there is one."""
        x1, _, x2, _ = detection.box
        if self.small_reader is not None and x2 - x1 < self.config.small_below:
            return self.small_reader
        return self.reader

    def _read_each(
        self, readers: list[PlateReader], crops: list[np.ndarray], regions: list[str | None]
    ) -> list[OcrResult]:
        """Each crop read by its own reader (one batch per reader), in the crops' order."""
        out: dict[int, OcrResult] = {}
        for reader in {id(r): r for r in readers}.values():
            mine = [i for i, r in enumerate(readers) if r is reader]
            found = reader.read_many([crops[i] for i in mine], self.config.topn, [regions[i] for i in mine])
            out.update(zip(mine, found, strict=True))
        return [out[i] for i in range(len(crops))]
