"""Faster ways to run the shipped detector, against the shipped configuration in one process on the same
images (session 9): a smaller detector input; coarse-to-fine (a half-scale pass proposes, windows of the
full-scale input around the proposals confirm and place the boxes); and an early exit (a half-scale pass is
kept when it reads a large plate surely, else the full pass runs). Exact reads and detections on the EU/BR
val photos, US val crops swapped into them, and pasted into plate-free scenes (60-260 px and 36-76 px), and
the pipeline's median per EU/BR photo, interleaved.

    PYTHONPATH=. .venv/bin/python training/eval_faster_detection.py
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np

from platewatch.engine import postprocess
from platewatch.engine.detector import PlateDetector
from platewatch.engine.pipeline import Pipeline
from platewatch.engine.postprocess import iou
from platewatch.engine.preprocess import PAD_VALUE, shrink, to_bgr
from platewatch.engine.types import Box, Detection, PlateRead
from training.data import load_photos, load_us_crops
from training.eval_pasted import pasted_scenes
from training.eval_swapped import swap_plate

Item = tuple[np.ndarray, Box, str]


def letterbox(det: PlateDetector, frame: np.ndarray) -> tuple[np.ndarray, float]:
    """The detector's padded input canvas (BGR uint8) and the frame-to-input scale, as `detector_input`."""
    h, w = frame.shape[:2]
    m = det.spec.multiple
    scale = det.long_side / max(h, w)

    def padded(v: float) -> int:
        return -(-max(1, round(v)) // m) * m

    if det.max_pixels and padded(h * scale) * padded(w * scale) > det.max_pixels:
        scale = min(scale, (det.max_pixels / (h * w)) ** 0.5)
        while scale * max(h, w) > m and padded(h * scale) * padded(w * scale) > det.max_pixels:
            scale *= 0.98
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    canvas = cv2.copyMakeBorder(
        shrink(frame, nw, nh), 0, -nh % m, 0, -nw % m, cv2.BORDER_CONSTANT, value=(PAD_VALUE,) * 3
    )
    return canvas, scale


def boxes_in(det: PlateDetector, canvas: np.ndarray, threshold: float) -> list[tuple[Box, float]]:
    blob = cv2.dnn.blobFromImage(canvas, 1 / 255.0, swapRB=True)
    heat, reg = det.model.run(np.ascontiguousarray(blob, np.float32))
    return postprocess.decode(heat[0, 0], reg[0], det.spec.stride, 1.0, threshold)


class CoarseFine:
    """Half-scale proposals (score >= `low`), confirmed in windows of the full input (box ± ctx ± half its
    size, aligned to 32 px); the full pass when there are more than `max_windows` proposals."""

    def __init__(self, det: PlateDetector, low: float, ctx: int, max_windows: int = 6) -> None:
        self.det, self.low, self.ctx, self.max_windows = det, low, ctx, max_windows

    def detect(self, frame: np.ndarray) -> list[Detection]:
        det, frame = self.det, to_bgr(frame)
        canvas, scale = letterbox(det, frame)
        ch, cw = canvas.shape[:2]
        props = boxes_in(det, cv2.resize(canvas, (cw // 2, ch // 2), interpolation=cv2.INTER_AREA), self.low)
        if len(props) > self.max_windows:
            found = boxes_in(det, canvas, det.threshold)
        else:
            found = []
            for (x1, y1, x2, y2), _ in props:
                x1, y1, x2, y2 = 2 * x1, 2 * y1, 2 * x2, 2 * y2
                mx, my = self.ctx + (x2 - x1) / 2, self.ctx + (y2 - y1) / 2
                xa, ya = max(0, int((x1 - mx) // 32) * 32), max(0, int((y1 - my) // 32) * 32)
                xb, yb = min(cw, int(-(-(x2 + mx) // 32)) * 32), min(ch, int(-(-(y2 + my) // 32)) * 32)
                for (bx1, by1, bx2, by2), s in boxes_in(det, canvas[ya:yb, xa:xb], det.threshold):
                    found.append(((bx1 + xa, by1 + ya, bx2 + xa, by2 + ya), s))
            if found:
                keep = postprocess.nms(np.array([b for b, _ in found]), np.array([s for _, s in found]), 0.3)
                found = [found[i] for i in keep]
        h, w = frame.shape[:2]
        out = []
        for (x1, y1, x2, y2), score in found:
            box = (max(0.0, x1 / scale), max(0.0, y1 / scale), min(float(w), x2 / scale), min(float(h), y2 / scale))
            if box[2] - box[0] >= 2 and box[3] - box[1] >= 2:
                out.append(Detection(box, score))
        return out


def smaller_input(long_side: int) -> PlateDetector:
    det = PlateDetector()
    det.long_side, det.max_pixels = long_side, round(det.max_pixels * (long_side / 640) ** 2)
    return det


def early_exit(shipped: Pipeline, min_width: float, min_confidence: float) -> Callable[[np.ndarray], list[PlateRead]]:
    """The half-scale pipeline's reads when one is at least `min_width` px wide in its input and this sure."""
    half = Pipeline(smaller_input(320), shipped.reader, shipped.states, shipped.config)

    def run(frame: np.ndarray) -> list[PlateRead]:
        reads = half.run(frame)
        h, w = frame.shape[:2]
        s = min(320 / max(h, w), (half.detector.max_pixels / (h * w)) ** 0.5)  # type: ignore[operator]
        if any(r.confidence >= min_confidence and (r.box[2] - r.box[0]) * s >= min_width for r in reads):
            return reads
        return shipped.run(frame)

    return run


def pasted(count: int, seed: int, lo: float, hi: float) -> Iterator[Item]:
    """As `eval_pasted.py`: val US crops in perspective in 1280×720 plate-free scenes."""
    for scene, box, s, _ in pasted_scenes(seed, count, lo, hi):
        yield scene, box, s.plate


def main() -> None:
    cv2.setNumThreads(1)
    shipped = Pipeline.default(threads=1)
    shipped.warmup()

    def using(det: object) -> Callable[[np.ndarray], list[PlateRead]]:
        return Pipeline(det, shipped.reader, shipped.states, shipped.config).run  # type: ignore[arg-type]

    runs: dict[str, Callable[[np.ndarray], list[PlateRead]]] = {"shipped (640)": shipped.run}
    for side in (560, 512, 480):
        runs[f"input {side}"] = using(smaller_input(side))
    runs["coarse-fine, proposals >= 0.1, ctx 32"] = using(CoarseFine(PlateDetector(), 0.1, 32))
    runs["coarse-fine, proposals >= 0.05, ctx 64"] = using(CoarseFine(PlateDetector(), 0.05, 64))
    runs["early exit, >= 48 px and >= 0.9"] = early_exit(shipped, 48, 0.9)
    photos = load_photos("openalpr-eu-endtoend", "val") + load_photos("openalpr-br-endtoend", "val")
    sets: dict[str, list[Item]] = {
        "EU+BR": [(p.image, (p.box[0], p.box[1], p.box[0] + p.box[2], p.box[1] + p.box[3]), p.plate) for p in photos],
        "swapped": [
            (*swap_plate(photos[i % len(photos)], s.image), s.plate) for i, s in enumerate(load_us_crops("val"))
        ],
        "pasted": list(pasted(317, 0, 60, 260)),
        "pasted 36-76 px": list(pasted(317, 0, 36, 76)),
    }
    score = {k: {s: [0, 0] for s in sets} for k in runs}
    for sname, items in sets.items():
        for img, box, plate in items:
            for k, run in runs.items():
                best = max(run(img), key=lambda r: iou(r.box, box), default=None)
                if best is not None and iou(best.box, box) >= 0.5:
                    score[k][sname][0] += 1
                    score[k][sname][1] += best.text == plate
    ms: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(3):
        for img, _, _ in sets["EU+BR"]:
            for k, run in runs.items():
                t0 = time.perf_counter()
                run(img)
                ms[k].append((time.perf_counter() - t0) * 1000)
    base = float(np.median(ms["shipped (640)"]))
    print(
        "| run | "
        + " | ".join(f"{s} detected / exact" for s in sets)
        + " | exact, all but 36-76 px | ms per EU/BR photo, median (ratio) |"
    )
    print("|---" * (len(sets) + 3) + "|")
    for k in runs:
        r = score[k]
        total = sum(r[s][1] for s in sets if s != "pasted 36-76 px")
        m = float(np.median(ms[k]))
        print(
            f"| {k} | "
            + " | ".join(f"{r[s][0]} / {r[s][1]}" for s in sets)
            + f" | {total} | {m:.1f} ({m / base:.2f}) |"
        )


if __name__ == "__main__":
    main()
