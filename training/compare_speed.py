"""Time detectors (or the shipped models reading each plate at more margins) against each other in one run,
interleaved image by image (a noisy machine slows them alike): the detector alone at 640×480, the whole pipeline on
the EU and BR val photos, and the reading of a plate (state, crops, reader, decoding), one thread.

    PYTHONPATH=. .venv/bin/python training/compare_speed.py training/runs/det-lite/detector.onnx
    PYTHONPATH=. .venv/bin/python training/compare_speed.py --reread 0.02,0.03 0.08,0.11
(the shipped pipeline is always the first row; ratios are to it)."""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from platewatch.engine.models import DETECTOR, READER
from platewatch.engine.pipeline import Pipeline
from platewatch.engine.postprocess import iou
from platewatch.engine.preprocess import crop, to_bgr
from platewatch.engine.reader import PlateReader
from training.data import PhotoSample, load_photos


def margin(text: str) -> tuple[float, float]:
    x, y = (float(v) for v in text.split(","))
    return x, y


def timed_reading(pipe: Pipeline, spent: list[float], plates: list[int]) -> None:
    """Record the time `pipe` spends reading each frame's detections, and how many it reads."""
    inner = pipe._read

    def read(crops: list[np.ndarray], detections: list[Any], **kw: Any) -> Any:
        plates.append(len(crops))
        return timed(inner, spent, crops, detections, **kw)

    pipe._read = read  # type: ignore[method-assign,assignment]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("detectors", type=Path, nargs="*", help="detector .onnx files (with their .json)")
    ap.add_argument("--reread", type=margin, nargs="+", default=[], help="also the shipped models with these margins")
    ap.add_argument("--reread-below", type=float, default=1.01, help="only for readings less sure than this")
    ap.add_argument("--reread-floor", type=float, default=0.0, help="and at least this sure")
    ap.add_argument(
        "--rectifier", type=Path, help="also the shipped models with this rectifier (a path that is no file: none)"
    )
    ap.add_argument("--rounds", type=int, default=3, help="passes over the photos")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    paths = [DETECTOR, *args.detectors]
    pipelines = [Pipeline.default(threads=1, detector=p) for p in paths]
    names = [str(p) for p in paths]
    if args.rectifier:
        pipelines.append(Pipeline.default(threads=1, rectifier=args.rectifier))
        how = f"unsure plates warped upright by {args.rectifier}" if args.rectifier.is_file() else "no rectifier"
        names.append(f"{DETECTOR.name}, {how}")
    if args.reread:
        shipped = pipelines[0]
        config = replace(
            shipped.config,
            reread_margins=tuple(args.reread),
            reread_below=args.reread_below,
            reread_floor=args.reread_floor,
        )
        reader = PlateReader(READER, 1, shipped.reader.syntax)  # its own, so that its time is its own
        pipelines.append(Pipeline(shipped.detector, reader, shipped.states, config))
        also = ", ".join(f"{x}/{y}" for x, y in args.reread)
        names.append(f"{DETECTOR.name}, reading at {also} too from {args.reread_floor} below {args.reread_below}")
    labelled = load_photos("openalpr-eu-endtoend", "val") + load_photos("openalpr-br-endtoend", "val")
    photos = [p.image for p in labelled]
    blank = np.random.default_rng(0).integers(0, 255, (480, 640, 3), np.uint8)
    for pipe in pipelines:  # warm-up
        pipe.run(photos[0])
    alone: list[list[float]] = [[] for _ in pipelines]
    whole: list[list[float]] = [[] for _ in pipelines]
    reading: list[list[float]] = [[] for _ in pipelines]
    plates: list[list[int]] = [[] for _ in pipelines]
    reader: list[list[float]] = [[] for _ in pipelines]
    for pipe, spent, count, in_reader in zip(pipelines, reading, plates, reader, strict=True):
        timed_reading(pipe, spent, count)
        timed_reader(pipe, in_reader)
    for _ in range(args.rounds):
        for image in photos:
            for i, pipe in enumerate(pipelines):
                t0 = time.perf_counter()
                pipe.detector.detect(blank)
                t1 = time.perf_counter()
                pipe.run(image)
                t2 = time.perf_counter()
                alone[i].append((t1 - t0) * 1000)
                whole[i].append((t2 - t1) * 1000)
    per_plate = reader_per_labelled_plate(pipelines, reader, labelled, args.rounds)
    base_alone, base_whole = np.median(alone[0]), np.median(whole[0])
    print(f"{len(photos)} EU+BR val photos × {args.rounds} rounds, interleaved, one thread")
    print(
        "pipeline | detector alone at 640×480, ms median (ratio) | whole pipeline per photo, ms median, p90 (ratio) "
        "| reading, ms per detection | the reader (model and decoding, every crop), ms per detection "
        "| the reader per labelled plate, ms mean (median)"
    )
    for name, a, w, r, n, rd, lp in zip(names, alone, whole, reading, plates, reader, per_plate, strict=True):
        ma, mw = np.median(a), np.median(w)
        print(
            f"{name} | {ma:.1f} ({ma / base_alone:.2f}) | {mw:.1f}, {np.percentile(w, 90):.1f} ({mw / base_whole:.2f}) "
            f"| {sum(r) / max(1, sum(n)):.2f} | {sum(rd) / max(1, sum(n)):.2f} "
            f"| {np.mean(lp):.2f} ({np.median(lp):.2f})"
        )


def reader_per_labelled_plate(
    pipelines: list[Pipeline], reader: list[list[float]], photos: list[PhotoSample], rounds: int
) -> list[list[float]]:
    """Per pipeline, the ms its reader (model and decoding, rereading included) spends on the detection that best
    covers each photo's labelled plate, read as the pipeline reads a detection; interleaved. `reader` holds each
    pipeline's timed reader calls (`timed_reader`)."""
    cases = []
    for p in photos:
        frame = to_bgr(p.image)
        x, y, w, h = p.box
        detections = pipelines[0].detector.detect(frame)
        if detections:
            cases.append((frame, max(detections, key=lambda d: iou(d.box, (x, y, x + w, y + h)))))
    out: list[list[float]] = [[] for _ in pipelines]
    for _ in range(rounds):
        for frame, det in cases:
            for pipe, calls, spent in zip(pipelines, reader, out, strict=True):
                before = len(calls)
                pipe._read([crop(frame, det.box, pipe.config.margin)], [det], keep_empty=True, frame=frame)
                spent.append(sum(calls[before:]))
    return out


def timed_reader(pipe: Pipeline, spent: list[float]) -> None:
    """Record the time `pipe`'s reader spends (model and decoding) on each call."""
    inner = pipe.reader.read_many

    def read_many(*a: Any, **kw: Any) -> Any:
        return timed(inner, spent, *a, **kw)

    pipe.reader.read_many = read_many  # type: ignore[method-assign]


def timed(call: Any, spent: list[float], *a: Any, **kw: Any) -> Any:
    """`call(*a, **kw)`, its ms appended to `spent`."""
    t0 = time.perf_counter()
    out = call(*a, **kw)
    spent.append((time.perf_counter() - t0) * 1000)
    return out


if __name__ == "__main__":
    main()
