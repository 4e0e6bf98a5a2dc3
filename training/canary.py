"""Canary plates for the training monitor: plain plates in OpenCV's Hershey faces, which no training font is.

A reader that has learned a shortcut from the generator (for example: "a glyph I do not know beside a gap at
the edge is a mark to skip") drops characters at the plate's ends on these. The monitor logs how many it reads
exactly and how many lose characters, so such a run is seen while it trains, not in the test suite.
O and 0 are one glyph in the Hershey faces, so the texts avoid both.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from platewatch.unit.demo import draw_plate

TEXTS = (
    "AB1234", "12345", "KD4821", "3MN456", "XYZ9876", "PLT2K9", "7KD4821", "5HX2297", "ABC1234",
    "9Z7TK", "WM8834", "1BH5527", "EVC2468", "Y4U7V", "H8K3", "82736A", "QRS5719", "JLG62",
)  # fmt: skip
FACES = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX)


@dataclass(frozen=True)
class CanaryScore:
    """How a reader did on the canary plates."""

    total: int
    exact: int
    too_short: int  # read with fewer characters than the plate has

    def __str__(self) -> str:
        return f"canary exact {self.exact}/{self.total}, too short {self.too_short}"


def draw(text: str, face: int, width: int = 240, fit: float | None = 0.84) -> np.ndarray:
    """A white US-shaped plate (2:1) with a dark border and the text centred in dark blue, BGR (the demo
    recording's plate, `platewatch.unit.demo.draw_plate`); text wider than `fit` of the plate is scaled down
    to it."""
    return draw_plate(text, width, face, fit)


def plates() -> list[tuple[np.ndarray, str]]:
    """Every canary text in every face."""
    return [(draw(t, f), t) for f in FACES for t in TEXTS]


def score(readings: list[str], texts: list[str]) -> CanaryScore:
    """Exact reads, and reads that lost characters."""
    exact = sum(r == t for r, t in zip(readings, texts, strict=True))
    short = sum(len(r) < len(t) for r, t in zip(readings, texts, strict=True))
    return CanaryScore(len(texts), exact, short)
