"""`platewatch recognize-video` through the real CLI and models, on a video file the test writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from platewatch.cli.main import app
from tests.engine.conftest import write_approach_video

runner = CliRunner()
FRAMES = 6


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_approach_video(tmp_path_factory.mktemp("video") / "approach.avi", "6ZR4117", FRAMES)


def test_one_pass_per_plate_voted_over_its_frames(video: Path) -> None:
    result = runner.invoke(app, ["recognize-video", str(video), "--topn", "3"])
    assert result.exit_code == 0, result.output
    passes = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(passes) == 1, passes
    p = passes[0]
    assert p["video"] == str(video)
    assert p["text"] == "6ZR4117"
    assert (p["first_frame"], p["last_frame"], p["frames"]) == (0, FRAMES - 1, FRAMES)
    assert (p["first_ms"], p["last_ms"]) == (0.0, pytest.approx(100.0 * (FRAMES - 1)))
    assert 0 <= p["best_frame"] < FRAMES
    assert 0 < p["confidence"] <= 1
    assert 1 <= len(p["candidates"]) <= 3 and p["candidates"][0]["text"] == "6ZR4117"
    assert len(p["box"]) == 4 and all(isinstance(v, int) for v in p["box"])
    assert p["found_only"] is False  # read, not only found
    assert "1 vehicle pass in 6 frames" in result.stderr


def test_every_other_frame_and_table(video: Path) -> None:
    result = runner.invoke(app, ["recognize-video", str(video), "--every", "2", "--format", "table"])
    assert result.exit_code == 0, result.output
    header, line = result.stdout.splitlines()
    assert header == "video\tframes\tplate (text, confidence, state)"
    assert line.startswith(f"{video}\tframes 0-4 (3 read)\t6ZR4117 ")
    assert "??" not in line


def test_a_bad_file_is_named_and_the_others_still_run(video: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(np.arange(256, dtype=np.uint8).tobytes())
    result = runner.invoke(app, ["recognize-video", str(bad), str(video)])
    assert result.exit_code == 1
    assert f"not a readable video: {bad}" in result.stderr
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["6ZR4117"]


def test_only_bad_files_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["recognize-video", str(tmp_path / "missing.mp4")])
    assert result.exit_code == 2
    assert "video file not found" in result.stderr
    assert result.stdout == ""


def test_a_plate_hidden_for_a_moment_stays_one_pass_unless_told_otherwise(tmp_path: Path) -> None:
    # 10 frames a second: the plate is seen in frames 0-3, hidden in 4-8 (500 ms, a truck between), seen in 9-12.
    import cv2

    from tests.engine.conftest import draw_plate, draw_scene

    background, _ = draw_scene(None, seed=1)
    path = tmp_path / "hidden.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (1280, 720))
    for i in range(13):
        frame = background.copy()
        if not 4 <= i <= 8:
            plate = draw_plate("6ZR4117", 150 + 6 * i)
            x0, y0 = 700 - 10 * i, 300 + 8 * i
            frame[y0 : y0 + plate.shape[0], x0 : x0 + plate.shape[1]] = plate
        writer.write(frame)
    writer.release()
    one = runner.invoke(app, ["recognize-video", str(path)])
    assert one.exit_code == 0, one.output
    assert [json.loads(line)["text"] for line in one.stdout.splitlines()] == ["6ZR4117"]
    two = runner.invoke(app, ["recognize-video", str(path), "--max-lost-ms", "0"])
    assert two.exit_code == 0, two.output
    assert [json.loads(line)["text"] for line in two.stdout.splitlines()] == ["6ZR4117", "6ZR4117"]


def test_a_plate_found_plainly_but_not_read_is_listed_as_found_only(tmp_path: Path) -> None:
    # The drawn plate's characters blurred past reading: the detector still finds the plate plainly in every frame.
    import cv2

    from tests.engine.conftest import draw_plate, draw_scene

    background, _ = draw_scene(None, seed=1)
    path = tmp_path / "unreadable.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (1280, 720))
    for i in range(6):
        frame, width = background.copy(), 190 + 5 * i
        plate = draw_plate("6ZR4117", width)
        h = plate.shape[0]
        text = (slice(int(h * 0.2), int(h * 0.85)), slice(int(width * 0.06), int(width * 0.94)))
        plate[text] = cv2.GaussianBlur(plate[text], (23, 23), 0)
        x0, y0 = 700 - 10 * i, 300 + 8 * i
        frame[y0 : y0 + h, x0 : x0 + width] = plate
        writer.write(frame)
    writer.release()
    listed = runner.invoke(app, ["recognize-video", str(path)])
    assert listed.exit_code == 0, listed.output
    (found,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert found["found_only"] is True and found["confidence"] < 0.2 and found["frames"] >= 3
    table = runner.invoke(app, ["recognize-video", str(path), "--format", "table"])
    assert table.stdout.splitlines()[1].endswith("(found, not read)")
    left_out = runner.invoke(app, ["recognize-video", str(path), "--no-unread"])
    assert left_out.exit_code == 0, left_out.output
    assert left_out.stdout == "" and "0 vehicle passes in 6 frames" in left_out.stderr


def test_no_plate_is_looked_for_in_an_ignored_part_of_the_view(video: Path) -> None:
    elsewhere = runner.invoke(app, ["recognize-video", str(video), "--ignore", "0.6,0.9,0.4,0.1"])
    assert elsewhere.exit_code == 0, elsewhere.output
    assert [json.loads(line)["text"] for line in elsewhere.stdout.splitlines()] == ["6ZR4117"]
    over = ["--ignore", "0.6,0.9,0.4,0.1", "--ignore", "0.35,0.35,0.4,0.45"]  # the second holds the plate's path
    ignored = runner.invoke(app, ["recognize-video", str(video), *over])
    assert ignored.exit_code == 0, ignored.output
    assert ignored.stdout == "" and "0 vehicle passes in 6 frames" in ignored.stderr
    wrong = runner.invoke(app, ["recognize-video", str(video), "--ignore", "880,600,400,100"])
    assert wrong.exit_code == 2 and wrong.stdout == ""
    assert "error: --ignore 880,600,400,100: each of x, y, w, h is a fraction of the frame, from 0 to 1" in wrong.stderr
