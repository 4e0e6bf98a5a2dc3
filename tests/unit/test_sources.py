"""Video files as frame sources: numbering, times, every N-th frame, and clear errors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from platewatch.unit.sources import SourceError, frame_count, video_frames


def write_video(path: Path, frames: int, fps: float = 10.0) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (160, 120))
    assert writer.isOpened()
    for i in range(frames):
        writer.write(np.full((120, 160, 3), 20 * i, np.uint8))
    writer.release()


def test_frames_are_numbered_and_timed(tmp_path: Path) -> None:
    write_video(tmp_path / "clip.avi", 5)
    frames = list(video_frames(tmp_path / "clip.avi"))
    assert [f.index for f in frames] == [0, 1, 2, 3, 4]
    assert [f.ms for f in frames] == pytest.approx([0, 100, 200, 300, 400])
    assert frames[0].image.shape == (120, 160, 3)
    assert frames[3].image.mean() > frames[1].image.mean()  # the frames in order, not one frame repeated
    assert frame_count(tmp_path / "clip.avi") == 5


def test_every_nth_frame(tmp_path: Path) -> None:
    write_video(tmp_path / "clip.avi", 7)
    assert [f.index for f in video_frames(tmp_path / "clip.avi", every=3)] == [0, 3, 6]


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found"):
        next(video_frames(tmp_path / "nope.mp4"))


def test_a_file_that_is_not_a_video_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("this is not a video\n")
    assert frame_count(tmp_path / "notes.mp4") is None
    with pytest.raises(SourceError, match="not a readable video"):
        next(video_frames(tmp_path / "notes.mp4"))


def test_every_must_be_positive(tmp_path: Path) -> None:
    write_video(tmp_path / "clip.avi", 2)
    with pytest.raises(SourceError, match="every must be 1 or more"):
        next(video_frames(tmp_path / "clip.avi", every=0))
