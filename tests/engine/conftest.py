"""Engine test fixtures: the shipped models loaded once, the shared datasets when present, drawn scenes."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np
import pytest

from platewatch.engine.pipeline import Pipeline
from platewatch.unit import demo

F = TypeVar("F", bound=Callable[..., Any])
REPO = Path(__file__).resolve().parents[2]
DATASETS = (REPO / "../shared/datasets").resolve()

_skip_without_datasets = pytest.mark.skipif(
    not (DATASETS / "openalpr-us-plate-crops" / "labels.csv").is_file(),
    reason=f"shared datasets not found at {DATASETS} (clone shared/ beside the repository)",
)


def needs_datasets(test: F) -> F:
    """Mark a test `dataset` and skip it, saying why, when ../shared/datasets is absent."""
    marked: F = pytest.mark.dataset(_skip_without_datasets(test))
    return marked


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.default(threads=1)


def label_rows(folder: str, split: str) -> list[dict[str, str]]:
    with (DATASETS / folder / "labels.csv").open(newline="") as fh:
        return sorted((r for r in csv.DictReader(fh) if r["split"] == split), key=lambda r: r["file"])


def draw_plate(text: str, width: int = 240) -> np.ndarray:
    """A plain US-shaped plate drawn with OpenCV: white, dark border, dark-blue characters (the demo's and the
    canary's drawing in one face, the text at full size even where it nearly fills the plate)."""
    return demo.draw_plate(text, width, cv2.FONT_HERSHEY_DUPLEX, fit=None)


def draw_scene(text: str | None, seed: int = 0) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A 1280×720 grey-gradient 'street' with a dark 'car' and the drawn plate (none when `text` is None);
    returns (frame, the plate's box)."""
    frame = demo.street(seed)
    cv2.rectangle(frame, (380, 250), (900, 620), (40, 45, 60), -1)
    x0, y0 = 540, 440
    if text is None:
        return frame, (x0, y0, x0, y0)
    plate = draw_plate(text, 200)
    frame[y0 : y0 + plate.shape[0], x0 : x0 + plate.shape[1]] = plate
    return frame, (x0, y0, x0 + plate.shape[1], y0 + plate.shape[0])


def write_approach_video(path: Path, text: str, frames: int = 6) -> Path:
    """A car's plate approaching across 1280×720 frames (growing, moving down and to the left), MJPG at 10
    frames a second: a camera's recording for the video and unit tests."""
    background, _ = draw_scene(None, seed=1)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (1280, 720))
    for i in range(frames):
        frame = background.copy()
        plate = draw_plate(text, 150 + 25 * i)
        x0, y0 = 700 - 40 * i, 300 + 30 * i
        frame[y0 : y0 + plate.shape[0], x0 : x0 + plate.shape[1]] = plate
        writer.write(frame)
    writer.release()
    return path
