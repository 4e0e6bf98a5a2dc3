"""PlateRectifier: a detection's box (grown by a context margin) → the plate's four corners; and the plate warped
upright from its corners, for the reader."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from platewatch.engine.models import RECTIFIER, RectifierSpec
from platewatch.engine.onnx_runtime import OnnxModel
from platewatch.engine.preprocess import colour_batch, expand_box
from platewatch.engine.types import Box

MAX_UPRIGHT_WIDTH = 640
"""A plate warped upright is at most this wide (pixels) before the reader scales it to its input."""


def plausible(quad: np.ndarray, box: Box, min_area: float = 0.25) -> bool:
    """True when `quad` (tl, tr, br, bl) is convex and clockwise, and covers at least `min_area` of the box's area."""
    edges = np.roll(quad, -1, axis=0) - quad
    turns = edges[:, 0] * np.roll(edges, -1, axis=0)[:, 1] - edges[:, 1] * np.roll(edges, -1, axis=0)[:, 0]
    if not np.all(turns > 0):
        return False
    x, y = quad[:, 0], quad[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    x1, y1, x2, y2 = box
    return area >= min_area * max(1e-6, (x2 - x1) * (y2 - y1))


def upright(frame: np.ndarray, quad: np.ndarray, margin: tuple[float, float]) -> np.ndarray:
    """The plate at `quad` (tl, tr, br, bl, frame pixels) warped to a rectangle as wide as its top and bottom edges
    and as high as its sides (on average), with `margin` (fraction of width, of height) of its surroundings."""
    tl, tr, br, bl = quad.astype(np.float32)
    w = max(2.0, float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2)
    h = max(2.0, float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2)
    scale = min(1.0, MAX_UPRIGHT_WIDTH / (w * (1 + 2 * margin[0])))
    w, h = w * scale, h * scale
    mx, my = margin[0] * w, margin[1] * h
    size = (max(4, round(w + 2 * mx)), max(4, round(h + 2 * my)))
    target = np.array([[mx, my], [mx + w, my], [mx + w, my + h], [mx, my + h]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(frame, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


class PlateRectifier:
    """The corner model; `corners` takes a BGR frame and detection boxes."""

    def __init__(self, path: Path = RECTIFIER, threads: int = 1) -> None:
        self.model = OnnxModel(path, threads)
        self.spec = RectifierSpec.load(path)

    def corners(self, frame: np.ndarray, boxes: Sequence[Box]) -> list[np.ndarray | None]:
        """Each box's plate corners (4×2, tl tr br bl, frame pixels), or None where the model's answer is not a
        plausible plate (not convex, or much smaller than the box)."""
        if not boxes:
            return []
        h, w = frame.shape[:2]
        views = [expand_box(b, self.spec.context, w, h) for b in boxes]
        batch = colour_batch([frame[ya:yb, xa:xb] for xa, ya, xb, yb in views], self.spec.height, self.spec.width)
        out = self.model.run(batch)[0].reshape(-1, 4, 2)
        quads: list[np.ndarray | None] = []
        for (xa, ya, xb, yb), fractions, box in zip(views, out, boxes, strict=True):
            quad = fractions * np.array([xb - xa, yb - ya], np.float32) + np.array([xa, ya], np.float32)
            quads.append(quad if plausible(quad, box) else None)
        return quads
