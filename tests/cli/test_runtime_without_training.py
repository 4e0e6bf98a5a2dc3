"""The runtime needs no training package: recognition commands run with torch, onnx and Pillow unimportable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from tests.engine.conftest import draw_scene

# Blocks the training-only packages (the `train` extra) before anything is imported, then runs the CLI.
RUN_WITHOUT_TRAINING = """
import sys
for name in ("torch", "onnx", "onnxscript", "PIL"):
    sys.modules[name] = None  # `import torch` now raises ImportError, as on a runtime-only install
from platewatch.cli.main import app
app(sys.argv[1:])
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_TRAINING, *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    frame, (x1, y1, x2, y2) = draw_scene("5HX2290")
    cv2.imwrite(str(folder / "scene.jpg"), frame)
    (folder / "labels.csv").write_text(
        f"file,x,y,w,h,plate,split\nscene.jpg,{x1},{y1},{x2 - x1},{y2 - y1},5HX2290,val\n"
    )
    writer = cv2.VideoWriter(str(folder / "clip.avi"), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (1280, 720))
    for _ in range(3):  # a parked car
        writer.write(frame)
    writer.release()
    return folder


def test_the_blocker_blocks() -> None:
    result = subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_TRAINING.replace("from platewatch.cli.main import app", "import torch")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "import of torch halted" in result.stderr


def test_recognize_runs_without_training_packages(media: Path) -> None:
    result = run_cli("recognize", str(media / "scene.jpg"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["plates"][0]["text"] == "5HX2290"


def test_recognize_video_runs_without_training_packages(media: Path) -> None:
    result = run_cli("recognize-video", str(media / "clip.avi"))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["5HX2290"]


def test_bench_recognition_runs_without_training_packages(media: Path) -> None:
    result = run_cli("bench", "recognition", str(media), "--split", "val", "--no-report")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("│ 1 "))
    assert row.count("100.0%") == 3  # detected, read exactly, and within the top 5
