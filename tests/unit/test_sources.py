"""Video files as frame sources: numbering, times, every N-th frame, and clear errors."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from platewatch.unit.sources import LiveSource, SourceError, frame_count, shown, video_frames


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


def test_a_file_played_as_a_camera_keeps_its_pace_and_ends(tmp_path: Path) -> None:
    write_video(tmp_path / "clip.avi", 6, fps=20.0)
    live = LiveSource(str(tmp_path / "clip.avi"))
    time.sleep(0.4)  # opened, not started: the clip does not play yet
    live.start()
    got = []
    try:
        while (frame := live.next(timeout=2.0)) is not None:
            got.append(frame)
    finally:
        live.close()
    assert live.ended and live.is_file
    assert [f.index for f in got] == sorted({f.index for f in got}) and got[0].index == 0
    assert len(got) + live.dropped == 6
    assert [f.ms for f in got] == pytest.approx([50.0 * f.index for f in got])  # the file's clock, not the wall's


def test_a_slow_reader_gets_the_newest_frame_and_the_rest_are_counted_as_skipped(tmp_path: Path) -> None:
    write_video(tmp_path / "clip.avi", 8, fps=50.0)
    live = LiveSource(str(tmp_path / "clip.avi"))
    live.start()
    try:
        time.sleep(0.5)  # recognition busy for longer than the whole clip
        newest = live.next(timeout=2.0)
        assert live.next(timeout=2.0) is None and live.ended
    finally:
        live.close()
    assert newest is not None and newest.index == 7 and live.dropped == 7
    assert newest.image.mean() > 100  # the last frame's picture (20 × 7), not the first's


def test_a_camera_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a video")
    for source in [str(tmp_path / "notes.txt"), str(tmp_path / "missing.mp4"), "rtsp://127.0.0.1:1/none"]:
        with pytest.raises(SourceError, match=r"cannot open the camera or video|no frame from"):
            LiveSource(source)


def test_a_cameras_password_is_never_shown() -> None:
    assert shown("rtsp://admin:s3cret@10.0.0.20:554/stream1") == "rtsp://***@10.0.0.20:554/stream1"
    assert shown("rtsp://10.0.0.20/stream1") == "rtsp://10.0.0.20/stream1"
    assert shown("/var/video/patrol@night.mp4") == "/var/video/patrol@night.mp4"  # a file, not a URL
    with pytest.raises(SourceError) as refused:
        LiveSource("rtsp://admin:s3cret@127.0.0.1:1/stream1")
    assert "s3cret" not in str(refused.value) and "rtsp://***@127.0.0.1:1/stream1" in str(refused.value)
