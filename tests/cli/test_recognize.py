"""`platewatch recognize` and `platewatch bench recognition` through the real CLI and models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import pytest
from click.testing import Result
from typer.testing import CliRunner

from platewatch.cli.main import app
from platewatch.engine.benchmark import BenchResult
from platewatch.engine.models import READER
from tests.engine.conftest import DATASETS, draw_plate, draw_scene, needs_datasets

runner = CliRunner()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("imgs")
    frame, _ = draw_scene("5HX2290")
    cv2.imwrite(str(folder / "scene.jpg"), frame)
    (folder / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not a jpeg")
    (folder / "empty.png").write_bytes(b"")
    return folder


def test_recognize_directory_jsonl(images: Path) -> None:
    result = runner.invoke(app, ["recognize", str(images), "--topn", "3"])
    assert result.exit_code == 1  # two files failed
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_name = {Path(d["image"]).name: d for d in lines}
    assert set(by_name) == {"scene.jpg", "corrupt.jpg", "empty.png"}
    assert "empty" in by_name["empty.png"]["error"]
    assert "not a readable image" in by_name["corrupt.jpg"]["error"]
    scene = by_name["scene.jpg"]
    assert (scene["width"], scene["height"]) == (1280, 720)
    assert scene["ms"] > 0
    assert scene["plates"], "the drawn plate was not found"
    plate = scene["plates"][0]
    assert plate["text"] == "5HX2290"
    assert set(plate) == {"text", "confidence", "state", "state_confidence", "box", "candidates"}
    assert len(plate["box"]) == 4 and all(isinstance(v, int) for v in plate["box"])
    assert (plate["state"] is None) == (plate["state_confidence"] is None)
    assert 1 <= len(plate["candidates"]) <= 3
    confs = [p["confidence"] for p in scene["plates"]]
    assert confs == sorted(confs, reverse=True)


def test_recognize_single_good_file_table(images: Path) -> None:
    result = runner.invoke(app, ["recognize", str(images / "scene.jpg"), "--format", "table"])
    assert result.exit_code == 0, result.output
    header, line = result.stdout.splitlines()
    assert header == "image\tplates (text, confidence, state)\ttime"  # says what each column is
    assert line.startswith(f"{images / 'scene.jpg'}\t5HX2290 ") and line.endswith(" ms")
    assert "??" not in line
    (plate,) = json.loads(runner.invoke(app, ["recognize", str(images / "scene.jpg")]).stdout)["plates"]
    if plate["state"] is None:  # a drawn plate has no state's design: the table says so in words
        assert "5HX2290" in line and line.split("\t")[1].endswith(" state unknown")


def test_recognize_help_says_what_it_prints_without_a_missing_document() -> None:
    result = runner.invoke(app, ["recognize", "--help"])
    assert result.exit_code == 0, result.output
    assert "ARCHITECTURE.md" not in result.stdout
    assert "one JSON object per image" in " ".join(result.stdout.split())


def test_recognize_looks_for_no_plate_in_an_ignored_part(images: Path) -> None:
    scene = str(images / "scene.jpg")  # the plate's box: x 540-740 of 1280, y 440-540 of 720
    over_plate = runner.invoke(app, ["recognize", scene, "--ignore", "0.4,0.58,0.2,0.2"])
    assert over_plate.exit_code == 0, over_plate.output
    assert json.loads(over_plate.stdout)["plates"] == []
    elsewhere = runner.invoke(app, ["recognize", scene, "--ignore", "0,0,0.3,0.3"])
    assert [p["text"] for p in json.loads(elsewhere.stdout)["plates"]] == ["5HX2290"]
    wrong = runner.invoke(app, ["recognize", scene, "--ignore", "0.4,0.58,0.2"])
    assert wrong.exit_code == 2 and wrong.stdout == ""
    assert "error: --ignore '0.4,0.58,0.2': an ignore region is x,y,w,h" in wrong.stderr


def test_recognize_with_a_smaller_detector_input(images: Path) -> None:
    scene = str(images / "scene.jpg")
    smaller = runner.invoke(app, ["recognize", scene, "--detector-size", "640"])
    assert smaller.exit_code == 0, smaller.output
    assert [p["text"] for p in json.loads(smaller.stdout)["plates"]] == ["5HX2290"]
    too_small = runner.invoke(app, ["recognize", scene, "--detector-size", "100"])
    assert too_small.exit_code == 2 and too_small.stdout == ""
    said = " ".join(too_small.stderr.replace("│", " ").split())  # Rich's error box, unwrapped
    assert "Invalid value for '--detector-size': Input should be greater than or equal to 320" in said


def test_recognize_missing_file() -> None:
    result = runner.invoke(app, ["recognize", "/nonexistent/x.jpg"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "image": "/nonexistent/x.jpg",
        "error": "/nonexistent/x.jpg: no such file",
    }


def test_bench_recognition_on_a_crop_folder(tmp_path: Path) -> None:
    (tmp_path / "crops").mkdir()
    rows = ["file,state,plate,split"]
    for i, text in enumerate(["ABC1234", "7KD482", "XYZ99"]):
        cv2.imwrite(str(tmp_path / "crops" / f"{i}.png"), draw_plate(text))
        rows.append(f"crops/{i}.png,CT,{text},val")
    rows.append("crops/missing.png,CT,AAA111,val")
    rows.append("crops/0.png,CT,ABC1234,train")
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    report = tmp_path / "bench.md"
    result = runner.invoke(app, ["bench", "recognition", str(tmp_path), "--split", "val", "--report", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert "## Recognition" in text
    assert "| 4 | n/a (crops) |" in text  # 4 val rows; crops have no detection step
    assert "1 images could not be read." in text


def bench_with_report(folder: Path) -> tuple[Result, str]:
    """`bench recognition` on `folder`, its report written there: the run and the report's text."""
    report = folder / "bench.md"
    result = runner.invoke(app, ["bench", "recognition", str(folder), "--report", str(report)], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result, report.read_text()


def test_bench_gives_the_figures_of_each_look(tmp_path: Path) -> None:
    rows = ["file,x,y,w,h,plate,look"]
    for i, (text, label, look) in enumerate(
        [("5HX2290", "5HX2290", "day"), ("7KD4821", "7KD4821", "Night"), ("AB12345", "QQ99999", "night")]
    ):
        frame, (x0, y0, x1, y1) = draw_scene(text, seed=i)
        if look != "day":
            frame = (frame * 0.6).astype(frame.dtype)  # darker, still readable
        cv2.imwrite(str(tmp_path / f"{i}.jpg"), frame)
        rows.append(f"{i}.jpg,{x0},{y0},{x1 - x0},{y1 - y0},{label},{look}")
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    result, text = bench_with_report(tmp_path)
    assert "by look" in result.stdout
    assert "| look | images | detected | exact top-1 |" in text
    assert "| day | 1 | 100.0% | 100.0% (1) |" in text
    assert "| night | 2 | 100.0% | 50.0% (1) |" in text  # the wrong label is the one miss; looks ignore case


def test_bench_lists_the_plates_it_missed(tmp_path: Path) -> None:
    (tmp_path / "crops").mkdir()
    cv2.imwrite(str(tmp_path / "crops" / "a.png"), draw_plate("ABC1234"))
    cv2.imwrite(str(tmp_path / "crops" / "b.png"), draw_plate("7KD482"))
    # b.png is labelled with a plate it does not show: the one miss to list
    (tmp_path / "labels.csv").write_text("file,state,plate\ncrops/a.png,CT,ABC1234\ncrops/b.png,CT,QQQ999\n")
    result = runner.invoke(app, ["bench", "recognition", str(tmp_path), "--no-report", "--misses"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "1 plates not read exactly" in result.stdout
    listing = result.stdout.split("not read exactly", 1)[1]
    assert "crops/b.png" in listing and "QQQ999" in listing and "7KD482" in listing
    assert "crops/a.png" not in listing


def test_bench_reports_wrong_reads_against_confidence(tmp_path: Path) -> None:
    (tmp_path / "crops").mkdir()
    cv2.imwrite(str(tmp_path / "crops" / "a.png"), draw_plate("ABC1234"))
    cv2.imwrite(str(tmp_path / "crops" / "b.png"), draw_plate("7KD482"))
    # b.png is labelled with a plate it does not show: a sure read that is wrong
    (tmp_path / "labels.csv").write_text("file,state,plate\ncrops/a.png,CT,ABC1234\ncrops/b.png,CT,QQQ999\n")
    result, text = bench_with_report(tmp_path)
    assert "wrong reads against confidence" in result.stdout
    assert "| confidence ≥ | reads | wrong | wrong, of those reads | wrong, of all plates |" in text
    assert "| 0.50 | 2 | 1 | 50.0% | 50.0% |" in text  # drawn plates are read surely, the mislabelled one too


def test_wrong_reads_are_counted_at_each_bar() -> None:
    res = BenchResult(
        "x", None, "crops", 5, images=4, readings=[(0.99, True), (0.95, False), (0.6, False), (0.2, True)]
    )
    assert res.wrong_above(0.9) == (2, 1)
    assert res.wrong_above(0.5) == (3, 2)
    assert res.wrong_above(0.999) == (0, 0)


def _crop_folder(tmp_path: Path, texts: list[str]) -> Path:
    (tmp_path / "crops").mkdir()
    rows = ["file,state,plate"]
    for i, text in enumerate(texts):
        cv2.imwrite(str(tmp_path / "crops" / f"{i}.png"), draw_plate(text))
        rows.append(f"crops/{i}.png,CT,{text}")
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    return tmp_path


def test_bench_measures_a_candidate_reader(tmp_path: Path) -> None:
    folder = _crop_folder(tmp_path, ["ABC1234", "7KD482"])
    candidate = shutil.copy(READER, tmp_path / "candidate.onnx")
    shutil.copy(READER.with_suffix(".json"), tmp_path / "candidate.json")
    report = tmp_path / "b.md"
    args = ["bench", "recognition", str(folder), "--report", str(report)]
    result = runner.invoke(app, [*args, "--reader", str(candidate)])
    assert result.exit_code == 0, result.output
    assert "--reader" in report.read_text() and "candidate.onnx" in report.read_text()
    shipped = runner.invoke(app, [*args])
    assert shipped.exit_code == 0, shipped.output
    rows = [line.split("|")[3] for line in report.read_text().splitlines() if line.startswith("| 2 |")]
    assert len(rows) == 2 and rows[0] == rows[1]  # the same weights read the same
    smaller = runner.invoke(app, [*args, "--detector-size", "640"])
    assert smaller.exit_code == 0, smaller.output
    assert f"`platewatch bench recognition {folder} --detector-size 640`" in report.read_text()
    one = runner.invoke(app, [*args, "--one-reader"])  # the large plates' reader for small ones too
    assert one.exit_code == 0, one.output
    assert f"`platewatch bench recognition {folder} --one-reader`" in report.read_text()


def test_bench_refuses_a_missing_or_wrong_model(tmp_path: Path) -> None:
    folder = _crop_folder(tmp_path, ["ABC1234"])
    missing = runner.invoke(app, ["bench", "recognition", str(folder), "--no-report", "--state", "nope.onnx"])
    assert missing.exit_code == 2
    assert "--state nope.onnx: no such model file" in missing.output
    wrong = runner.invoke(app, ["bench", "recognition", str(folder), "--no-report", "--detector", str(READER)])
    assert wrong.exit_code == 2
    assert "reader.onnx cannot run" in wrong.output
    absent = runner.invoke(app, ["bench", "recognition", str(folder), "--no-report", "--rectifier", "nope.onnx"])
    assert absent.exit_code == 2 and "--rectifier nope.onnx: no such model file" in absent.output
    swapped = runner.invoke(app, ["bench", "recognition", str(folder), "--no-report", "--rectifier", str(READER)])
    assert swapped.exit_code == 2 and "reader.onnx cannot run" in swapped.output
    both = ["bench", "recognition", str(folder), "--no-report", "--one-reader", "--small-reader", str(READER)]
    refused = runner.invoke(app, both)
    assert refused.exit_code == 2 and "--one-reader reads every plate with one reader" in refused.output
    small = runner.invoke(app, ["bench", "recognition", str(folder), "--no-report", "--small-reader", "nope.onnx"])
    assert small.exit_code == 2 and "--small-reader nope.onnx: no such model file" in small.output


def test_bench_needs_labels(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "recognition", str(tmp_path), "--no-report"])
    assert result.exit_code == 2
    assert "labels.csv" in result.output


@needs_datasets
def test_bench_recognition_on_eu_val(tmp_path: Path) -> None:
    report = tmp_path / "b.md"
    folder = DATASETS / "openalpr-eu-endtoend"
    result = runner.invoke(app, ["bench", "recognition", str(folder), "--split", "val", "--report", str(report)])
    assert result.exit_code == 0, result.output
    row = [line for line in report.read_text().splitlines() if line.startswith("| 38 |")]
    assert row, report.read_text()
    recall = float(row[0].split("|")[2].strip().rstrip("%"))
    assert recall >= 80.0
