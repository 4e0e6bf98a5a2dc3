"""PlateDetector: a BGR frame → plate boxes (frame pixels) with scores; near plates found again at their own scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from platewatch.engine import postprocess
from platewatch.engine.models import DETECTOR, DetectorSpec
from platewatch.engine.onnx_runtime import OnnxModel
from platewatch.engine.postprocess import iou
from platewatch.engine.preprocess import detector_input, to_bgr
from platewatch.engine.types import Box, Detection

REFINE_MIN_IOU = 0.2
"""A plate found again in its window replaces the first box only when they overlap this much (the same plate)."""


def refine_window(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """The part of a width×height frame (x1, y1, x2, y2, ints) in which a plate first boxed at `box` is found again:
    1.6 box widths each side of its centre, 2.5 box heights plus 0.3 widths above and below (a box that fell short of
    a plate's height still has the whole plate inside), within the frame."""
    x1, y1, x2, y2 = box
    bw, bh = x2 - x1, y2 - y1
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    dy = 2.5 * bh + 0.3 * bw
    xa, xb = max(0, int(cx - 1.6 * bw)), min(width, int(np.ceil(cx + 1.6 * bw)))
    ya, yb = max(0, int(cy - dy)), min(height, int(np.ceil(cy + dy)))
    return xa, ya, max(xa + 1, xb), max(ya + 1, yb)


def scaled_cap(max_pixels: int | None, factor: float) -> int | None:
    """The input area cap for an input `factor` times the model's own size (the area grows with its square)."""
    return None if max_pixels is None else round(max_pixels * factor * factor)


class PlateDetector:
    def __init__(
        self,
        path: Path = DETECTOR,
        threads: int = 1,
        threshold: float = 0.3,
        long_side: int | None = None,
        max_pixels: int | None = None,
        refine_above: float | None = None,
    ) -> None:
        self.model = OnnxModel(path, threads)
        self.spec = DetectorSpec.load(path)
        self.threshold = threshold
        self.long_side = long_side or self.spec.long_side
        self.max_pixels = max_pixels or scaled_cap(self.spec.max_pixels, self.long_side / self.spec.long_side)
        self.refine_above = refine_above if refine_above is not None else self.spec.refine_above

    def detect(self, frame: np.ndarray) -> list[Detection]:
        """Plates in `frame` (grey, BGR or BGRA uint8), best score first."""
        frame = to_bgr(frame)
        tensor, scale = detector_input(frame, self.long_side, self.spec.multiple, self.max_pixels)
        found = self._boxes(tensor, scale)
        h, w = frame.shape[:2]
        out = []
        for box, score in found:
            if self.refine_above is not None and (box[2] - box[0]) * scale > self.refine_above:
                box = self._again(frame, box)
            x1, y1, x2, y2 = box
            clipped = (max(0.0, x1), max(0.0, y1), min(float(w), x2), min(float(h), y2))
            if clipped[2] - clipped[0] >= 2 and clipped[3] - clipped[1] >= 2:
                out.append(Detection(clipped, score))
        return out

    def _boxes(self, tensor: np.ndarray, scale: float) -> list[tuple[Box, float]]:
        heat, reg = self.model.run(tensor)
        return postprocess.decode(heat[0, 0], reg[0], self.spec.stride, scale, self.threshold)

    def _again(self, frame: np.ndarray, box: Box) -> Box:
        """`box`, a plate found large in the input, found again in a window around it scaled so that the plate is
        `refine_width` pixels wide (the sizes the model learned); the first box when the window shows no such plate."""
        h, w = frame.shape[:2]
        xa, ya, xb, yb = refine_window(box, w, h)
        window = frame[ya:yb, xa:xb]
        zoom = self.spec.refine_width / max(1.0, box[2] - box[0])
        long_side = max(self.spec.multiple, round(max(window.shape[:2]) * zoom))
        tensor, scale = detector_input(window, long_side, self.spec.multiple)
        moved = [((x1 + xa, y1 + ya, x2 + xa, y2 + ya), s) for (x1, y1, x2, y2), s in self._boxes(tensor, scale)]
        best = max(moved, key=lambda c: iou(c[0], box), default=None)
        return best[0] if best is not None and iou(best[0], box) >= REFINE_MIN_IOU else box
