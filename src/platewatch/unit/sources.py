"""Frame sources for the unit: a video file (a camera's recording) read frame by frame, and a live camera (or a
file played as one) read by its own thread."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from platewatch.engine.image_io import MAX_PIXELS

log = logging.getLogger(__name__)


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
        image: np.ndarray | None = first_frame(capture, str(path), f"not a readable video: {path}")
        fps = capture.get(cv2.CAP_PROP_FPS)
        index, ok = 0, True
        while ok and image is not None:
            if index % every == 0:
                ms = index * 1000.0 / fps if fps and fps > 0 else float(capture.get(cv2.CAP_PROP_POS_MSEC))
                yield Frame(index, ms, image)
            ok, image = capture.read()
            index += 1
    finally:
        capture.release()


def first_frame(capture: cv2.VideoCapture, name: str, unreadable: str) -> np.ndarray:
    """The capture's first frame; SourceError (`unreadable`, or frames too large for the engine) otherwise, the
    capture then released."""
    ok, image = capture.read() if capture.isOpened() else (False, None)
    if not ok or image is None:
        capture.release()
        raise SourceError(unreadable)
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        capture.release()
        raise SourceError(f"frames of {image.shape[1]}×{image.shape[0]} pixels are too large: {name}")
    return np.asarray(image)


def shown(source: str) -> str:
    """A camera address fit for logs and messages: an RTSP/HTTP URL's user and password replaced by `***`."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1***@", source, flags=re.IGNORECASE)


def open_capture(source: str) -> cv2.VideoCapture:
    """A capture for a camera: a device number (`0` for /dev/video0), a device path, an RTSP/HTTP URL, or a
    video file played as a camera. SourceError when it gives no frame."""
    target: int | str = int(source) if source.isdigit() else source
    capture = cv2.VideoCapture(target)
    if not capture.isOpened():
        capture.release()
        raise SourceError(f"cannot open the camera or video {shown(source)}")
    return capture


class LiveSource:
    """A camera read by its own thread (from `start()`), which keeps only the newest frame: recognition slower
    than the camera skips frames (counted in `dropped`) instead of falling behind. A live camera that stops
    giving frames is reopened every `reconnect_s`; a video file is played at its own frame rate and ends.
    Opening it reads one frame, so a camera that gives nothing is refused at once (SourceError)."""

    def __init__(self, source: str, reconnect_s: float = 2.0) -> None:
        self.source = source
        self.reconnect_s = reconnect_s
        self.is_file = Path(source).is_file()
        self._capture = open_capture(source)
        self._first = first_frame(self._capture, shown(source), f"no frame from the camera or video {shown(source)}")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self._period = 1.0 / fps if self.is_file and fps and fps > 0 else 0.0
        self._lock = threading.Condition()
        self._newest: Frame | None = None
        self._stop = threading.Event()
        self.ended = False
        self.dropped = 0
        self._started = time.monotonic()
        self.started_at = dt.datetime.now(dt.UTC)
        self._thread = threading.Thread(target=self._run, name="camera", daemon=True)

    def start(self) -> None:
        """Start reading (the first frame, read when the camera was opened, counts as read now): frame times
        are from `started_at`."""
        self._started = time.monotonic()
        self.started_at = dt.datetime.now(dt.UTC)
        self._put(Frame(0, 0.0, self._first))
        self._thread.start()

    def _put(self, frame: Frame) -> None:
        with self._lock:
            if self._newest is not None:
                self.dropped += 1
            self._newest = frame
            self._lock.notify_all()

    def _run(self) -> None:
        index = 1
        while not self._stop.is_set():
            ok, image = self._capture.read()
            if not ok or image is None:
                if self.is_file:
                    break
                log.warning("camera %s gave no frame; reopening in %.0f s", shown(self.source), self.reconnect_s)
                self._capture.release()
                if self._stop.wait(self.reconnect_s):
                    break
                with contextlib.suppress(SourceError):  # still gone: try again after the next wait
                    self._capture = open_capture(self.source)
                continue
            if self._period:
                ms = index * self._period * 1000.0
                self._stop.wait(max(0.0, self._started + index * self._period - time.monotonic()))
            else:
                ms = (time.monotonic() - self._started) * 1000.0
            self._put(Frame(index, ms, image))
            index += 1
        self._capture.release()
        with self._lock:
            self.ended = True
            self._lock.notify_all()

    def next(self, timeout: float = 1.0) -> Frame | None:
        """The newest frame not yet taken; None after `timeout` without one, or once the source has ended."""
        with self._lock:
            self._lock.wait_for(lambda: self._newest is not None or self.ended, timeout)
            frame, self._newest = self._newest, None
            return frame

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        else:
            self._capture.release()
