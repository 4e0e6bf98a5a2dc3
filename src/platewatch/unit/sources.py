"""Frame sources for the unit: a video file (a camera's recording, or a test stand-in for a camera)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from platewatch.engine.image_io import MAX_PIXELS


class SourceError(ValueError):
    """A source that cannot give frames; the message says why."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: its number in the stream (from 0), its time from the stream's start, BGR pixels."""

    index: int
    ms: float
    image: np.ndarray


def frame_count(path: Path) -> int | None:
    """The number of frames the file's header announces (None when it does not say)."""
    capture = cv2.VideoCapture(str(path))
    try:
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else 0
    finally:
        capture.release()
    return count if count > 0 else None


def video_frames(path: Path, every: int = 1) -> Iterator[Frame]:
    """Every `every`-th frame of a video file. Raises SourceError before the first frame when the file is
    missing, is not a video, or has frames larger than the engine takes."""
    if every < 1:
        raise SourceError(f"every must be 1 or more, not {every}")
    if not path.is_file():
        raise SourceError(f"video file not found: {path}")
    capture = cv2.VideoCapture(str(path))
    try:
        ok, image = capture.read() if capture.isOpened() else (False, None)
        if not ok or image is None:
            raise SourceError(f"not a readable video: {path}")
        if image.shape[0] * image.shape[1] > MAX_PIXELS:
            raise SourceError(f"frames of {image.shape[1]}×{image.shape[0]} pixels are too large: {path}")
        fps = capture.get(cv2.CAP_PROP_FPS)
        index = 0
        while ok and image is not None:
            if index % every == 0:
                ms = index * 1000.0 / fps if fps and fps > 0 else float(capture.get(cv2.CAP_PROP_POS_MSEC))
                yield Frame(index, ms, image)
            ok, image = capture.read()
            index += 1
    finally:
        capture.release()
