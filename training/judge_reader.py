"""Measure candidate readers against the shipped one on every set a reader rule (READER-9 onwards) names, in the
shipped pipeline: the distant US and EU/BR stand-ins, the US val crops, the 1,661 images of `eval_reread` R-U, the
canary plates, the US val crops inside a 30 % margin (`padded`, READER-13CN), and the pipeline's speed on the
distant US stand-in. Prints one markdown table (and saves it as JSON with `--json`), so a rule's result is one
command.

    PYTHONPATH=src:. .venv/bin/python -m training.judge_reader training/runs/reader-r11/reader.onnx

A candidate `A.onnx+B.onnx` is the two readers' per-step probabilities averaged (rule VOTE-3).
`--sets` runs a subset; `--readers-only` skips the shipped reader (its figures from an earlier run of the session).
Since 2026-12-08 the pipeline reads plates narrower than 110 px with a second reader (ADR 0026): a candidate reads the
wider plates beside the shipped small reader, `--small-reader X [--small-below PX]` pairs it with another one (the
candidate `models/reader.onnx` with `--small-reader X` judges a small reader), `--one-reader` lets it read every plate.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

from platewatch.engine.benchmark import BenchResult, read_labels, run_benchmark
from platewatch.engine.image_io import load_image
from platewatch.engine.models import DETECTOR, READER, RECTIFIER, SMALL_READER, STATE
from platewatch.engine.pipeline import Pipeline, PipelineConfig
from platewatch.engine.reader import PlateReader
from training import canary
from training.data import load_us_crops
from training.eval_reread import measure, scenes, variants
from training.padded_crops import pad_crop

DISTANT_US = Path("training/cache/distant-us")
DISTANT_EUBR = Path("training/cache/distant-eubr")
US_CROPS = Path("../shared/datasets/openalpr-us-plate-crops")
SETS = ("distant-us", "distant-eubr", "us-crops", "reread", "canary", "padded")


def reader_files(reader: Path) -> list[Path]:
    """A candidate's model files: `A.onnx+B.onnx` names two readers read as one (their probabilities averaged)."""
    return [Path(part) for part in str(reader).split("+")]


def describe(reader: Path, small: Path | str | None, below: float | None) -> str:
    """A column's name: the reader's run folder (`shipped` for the shipped file), and the small plates' reader beside
    it unless it is the shipped one at the pipeline's own width (`one reader`: none)."""

    def name(model: Path | str) -> str:
        return "+".join(
            "shipped" if f.resolve() == READER.resolve() else f.parent.name for f in reader_files(Path(model))
        )

    if small is None:
        return f"{name(reader)} (one reader)"
    if Path(small).resolve() == SMALL_READER.resolve() and below in (None, PipelineConfig().small_below):
        return name(reader)
    return f"{name(reader)} (< {below or PipelineConfig().small_below:g} px: {name(small)})"


def pipeline_for(reader: Path, small: Path | None = SMALL_READER, below: float | None = None) -> Pipeline:
    """The shipped pipeline (detector, state, rectifier and settings) with `reader`, and `small` reading plates
    narrower than `below` pixels (the shipped small plates' reader and width when there is one), warmed up."""
    config = PipelineConfig() if below is None else PipelineConfig(small_below=below)
    pipeline = Pipeline.default(
        config=config,
        reader=reader_files(reader),
        state=STATE,
        detector=DETECTOR,
        rectifier=RECTIFIER,
        small_reader=None if small is None else reader_files(small),
    )
    pipeline.warmup()
    return pipeline


def bench_row(res: BenchResult) -> dict[str, float | int]:
    sure, wrong = res.wrong_above(0.9)
    return {
        "images": res.images,
        "detected": res.detected,
        "exact": res.exact,
        "in_top5": res.in_topn,
        "state_ok": res.state_ok,
        "ms_median": round(res.ms_median, 1),
        "ms_p90": round(res.ms_p90, 1),
        "sure_0.9": sure,
        "wrong_0.9": wrong,
    }


def judge(
    reader: Path, sets: tuple[str, ...], small: Path | None = SMALL_READER, below: float | None = None
) -> dict[str, object]:
    """Every figure of `sets` for one reader (with `small` reading plates narrower than `below`, `pipeline_for`)."""
    pipeline = pipeline_for(reader, small, below)
    files = reader_files(reader) + (reader_files(small) if small is not None and pipeline.small_reader else [])
    out: dict[str, object] = {
        "reader": str(reader),
        "small": None if pipeline.small_reader is None else [str(small), pipeline.config.small_below],
        "mb": round(sum(f.stat().st_size for f in files) / 1e6, 2),
    }
    runs: dict[str, Callable[[], object]] = {
        "distant-us": lambda: bench_row(run_benchmark(DISTANT_US, pipeline)),
        "distant-eubr": lambda: bench_row(run_benchmark(DISTANT_EUBR, pipeline)),
        "us-crops": lambda: bench_row(run_benchmark(US_CROPS, pipeline, split="val")),
        "reread": lambda: {
            group: r.exact for (group, _), r in measure({"R-U": variants(pipeline)["R-U"]}, scenes()).items()
        },
        "canary": lambda: _read_alone(pipeline.reader, *_canary_plates()),
        "padded": lambda: _read_alone(pipeline.reader, *_padded_val_crops()),
    }
    for name in sets:
        out[name] = runs[name]()
        print(f"{reader}: {name} {out[name]}", flush=True)
    return out


def _canary_plates() -> tuple[list[np.ndarray], list[str]]:
    plates = canary.plates()
    return [p for p, _ in plates], [t for _, t in plates]


@cache
def _padded_val_crops() -> tuple[list[np.ndarray], list[str]]:
    """The US val crops inside a 30 % margin (READER-13Z's check), loaded once for every reader judged."""
    crops = load_us_crops("val")
    return [pad_crop(c.image) for c in crops], [c.plate for c in crops]


def _read_alone(reader: PlateReader, images: list[np.ndarray], texts: list[str]) -> dict[str, int]:
    """`images` read by the pipeline's reader alone (beam search, the home state's syntax), scored as the canary."""
    score = canary.score([reader.read(i).text for i in images], texts)
    return {"exact": score.exact, "too_short": score.too_short, "total": score.total}


def table(results: list[dict[str, object]]) -> str:
    """The rule's lines, one column per reader."""

    names = [describe(Path(str(r["reader"])), *(r["small"] or (None, None))) for r in results]  # type: ignore[misc]
    lines = ["| figure | " + " | ".join(names) + " |"]
    lines.append("|---|" + "---|" * len(results))

    def row(label: str, get: Callable[[dict[str, object]], object]) -> None:
        cells = []
        for r in results:
            try:
                cells.append(str(get(r)))
            except KeyError:
                cells.append("—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def d(r: dict[str, object], key: str) -> dict[str, float | int]:
        return r[key]  # type: ignore[return-value]

    def du(r: dict[str, object]) -> dict[str, float | int]:
        return d(r, "distant-us")

    row("distant US exact (of 317)", lambda r: d(r, "distant-us")["exact"])
    row(
        "distant US detected / top 5 / state",
        lambda r: "{detected} / {in_top5} / {state_ok}".format(**d(r, "distant-us")),
    )
    row(
        "distant US ≥ 0.9: reads, wrong",
        lambda r: f"{d(r, 'distant-us')['sure_0.9']}, {d(r, 'distant-us')['wrong_0.9']}",
    )
    row("distant US ms median / p90", lambda r: "{ms_median} / {ms_p90}".format(**d(r, "distant-us")))
    row("distant EU/BR exact (of 76)", lambda r: d(r, "distant-eubr")["exact"])
    row("US val crops exact (of 317)", lambda r: d(r, "us-crops")["exact"])
    row("US val crops state", lambda r: d(r, "us-crops")["state_ok"])
    row("R-U: swapped, pasted 0–3, EU, BR", lambda r: ", ".join(str(v) for v in d(r, "reread").values()))
    row("R-U sum (of 1,661)", lambda r: sum(d(r, "reread").values()))
    row("canary exact, too short (of 54)", lambda r: "{exact}, {too_short}".format(**d(r, "canary")))
    row(
        "US val crops in a 30 % margin: exact, too short (of 317)",
        lambda r: "{exact}, {too_short}".format(**d(r, "padded")),
    )
    row("reader MB", lambda r: r["mb"])
    return "\n".join(lines)


def interleaved_speed(
    readers: list[tuple[Path, Path | None, float | None]], images: int
) -> dict[str, tuple[float, float]]:
    """Each reader's pipeline timed on the first `images` photos of the distant US stand-in, photo by photo in turn
    (a noisy machine slows them alike): (median, p90) ms per photo, one thread."""
    rows = read_labels(DISTANT_US, None)[:images]

    pipelines = {describe(r, s, b): pipeline_for(r, s, b) for r, s, b in readers}
    spent: dict[str, list[float]] = {name: [] for name in pipelines}
    for row in rows:
        frame = load_image(DISTANT_US / row.file)
        for name, pipeline in pipelines.items():
            t0 = time.perf_counter()
            pipeline.run(frame)
            spent[name].append((time.perf_counter() - t0) * 1000)
    return {
        name: (statistics.median(ms), statistics.quantiles(ms, n=10, method="inclusive")[-1])
        for name, ms in spent.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("candidates", nargs="+", type=Path, help="reader .onnx files to judge against the shipped one")
    ap.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    ap.add_argument("--readers-only", action="store_true", help="only the candidates, not the shipped reader")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--speed", type=int, default=0, help="only time the readers' pipelines, interleaved, on N photos")
    ap.add_argument("--small-reader", type=Path, help="the candidates read plates narrower than --small-below with it")
    ap.add_argument("--small-below", type=float, help="frame pixels (the pipeline's own width when not given)")
    ap.add_argument("--one-reader", action="store_true", help="the candidates read small plates too (no small reader)")
    args = ap.parse_args()
    if args.one_reader and args.small_reader:
        ap.error("--one-reader takes no --small-reader")
    small = None if args.one_reader else args.small_reader or SMALL_READER
    shipped = [] if args.readers_only else [(READER, SMALL_READER, None)]
    readers = shipped + [(c, small, args.small_below) for c in args.candidates]
    if args.speed:
        for name, (median, p90) in interleaved_speed(readers, args.speed).items():
            print(f"{name}: {median:.1f} ms median, {p90:.1f} ms p90 per distant US photo")
        return
    results = [judge(r, tuple(args.sets), s, b) for r, s, b in readers]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))


if __name__ == "__main__":
    main()
