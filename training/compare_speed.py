"""Time detectors against each other in one run, interleaved image by image (a noisy machine slows them
alike): the detector alone at 640×480 and the whole pipeline on the EU and BR val photos, one thread.

    PYTHONPATH=. .venv/bin/python training/compare_speed.py training/runs/det-lite/detector.onnx
(the shipped detector is always the first column; ratios are to it)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

from platewatch.engine.models import DETECTOR
from platewatch.engine.pipeline import Pipeline
from training.data import load_photos


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("detectors", type=Path, nargs="+", help="detector .onnx files (with their .json)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the photos")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    paths = [DETECTOR, *args.detectors]
    pipelines = [Pipeline.default(threads=1, detector=p) for p in paths]
    photos = [p.image for p in load_photos("openalpr-eu-endtoend", "val") + load_photos("openalpr-br-endtoend", "val")]
    blank = np.random.default_rng(0).integers(0, 255, (480, 640, 3), np.uint8)
    for pipe in pipelines:  # warm-up
        pipe.run(photos[0])
    alone: list[list[float]] = [[] for _ in paths]
    whole: list[list[float]] = [[] for _ in paths]
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
    base_alone, base_whole = np.median(alone[0]), np.median(whole[0])
    print(f"{len(photos)} EU+BR val photos × {args.rounds} rounds, interleaved, one thread")
    print("detector | detector alone at 640×480, ms median (ratio) | whole pipeline per photo, ms median, p90 (ratio)")
    for p, a, w in zip(paths, alone, whole, strict=True):
        ma, mw = np.median(a), np.median(w)
        print(f"{p} | {ma:.1f} ({ma / base_alone:.2f}) | {mw:.1f}, {np.percentile(w, 90):.1f} ({mw / base_whole:.2f})")


if __name__ == "__main__":
    main()
