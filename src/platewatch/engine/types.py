"""Result types of the recognition engine: detections, reads and what the pipeline returns."""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]
"""x1, y1, x2, y2 in pixels of the input frame."""
Point = tuple[float, float]

NOT_US = "--"
"""The region of a plate that is not from a US state: the state classifier's class, the syntax prior's key."""

TEXT_FLOOR = 0.05
"""A reading less likely than this is no reading: the pipeline drops such a detection unless the detector is sure of
it (`PipelineConfig.min_text_confidence`), and the unit's tracker leaves such a frame read out of every pass
(`TrackerConfig.min_read_confidence`)."""

FOUND_PLAINLY = 0.75
"""A detection scored at least this high is a plate even when it cannot be read: the pipeline reports it with its low
confidence (`PipelineConfig.keep_found_above`, rule KEEP-2), and the unit's tracker reports a pass whose plate was
found this plainly in half its frames (`TrackerConfig.found_plainly`, rule PASS-2)."""


@dataclass(frozen=True, slots=True)
class Detection:
    """A plate found in a frame; `corners` (tl, tr, br, bl) when the model gives them."""

    box: Box
    score: float
    corners: tuple[Point, Point, Point, Point] | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible reading of a plate and how sure the reader is of it (0..1)."""

    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrResult:
    """What the reader made of one crop: best text, per-character confidences, top-N candidates."""

    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class StateGuess:
    """The issuing state a classifier sees on a crop; `state` is None for a non-US or unsure plate."""

    state: str | None
    confidence: float
    foreign: bool = False
    """The classifier is confident that the plate is not from a US state (`state` is then None)."""

    @property
    def region(self) -> str | None:
        """What the syntax prior keys on: the state, NOT_US for a foreign plate, None when unsure."""
        return self.state or (NOT_US if self.foreign else None)


@dataclass(frozen=True, slots=True)
class PlateRead:
    """One plate in a frame: where, what it says, which state."""

    text: str
    confidence: float
    box: Box
    detection_score: float
    char_confidences: tuple[float, ...]
    candidates: tuple[Candidate, ...]
    state: str | None = None
    state_confidence: float | None = None
