"""Pure numpy decoding of the detector's centre heatmap and box regression, and non-maximum suppression."""

from __future__ import annotations

import cv2
import numpy as np

from platewatch.engine.types import Box


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x1, y1, x2, y2) boxes; 0 when either is empty."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    """Indexes of the boxes kept by greedy non-maximum suppression, best score first."""
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    for i in order:
        b = tuple(float(v) for v in boxes[i])
        if all(iou(b, tuple(float(v) for v in boxes[j])) <= threshold for j in keep):  # type: ignore[arg-type]
            keep.append(int(i))
    return keep


def local_peaks(heat: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of cells above threshold that are the maximum of their 3×3 neighbourhood."""
    # A 3×3 grey dilation is the neighbourhood maximum; OpenCV ignores cells outside the map.
    neigh = cv2.dilate(np.ascontiguousarray(heat, np.float32), np.ones((3, 3), np.uint8))
    mask = (heat >= neigh) & (heat > threshold)
    rows, cols = np.nonzero(mask)
    return rows, cols


def decode(
    heat: np.ndarray,
    reg: np.ndarray,
    stride: int,
    scale: float,
    threshold: float,
    nms_iou: float = 0.3,
    max_plates: int = 20,
) -> list[tuple[Box, float]]:
    """Heatmap H×W (0..1) and regression 4×H×W (dx, dy, log(w/stride), log(h/stride)) → boxes in
    frame pixels (input pixels divided by `scale`) with scores, best first."""
    rows, cols = local_peaks(heat, threshold)
    if rows.size == 0:
        return []
    scores = heat[rows, cols]
    order = np.argsort(-scores)[: max_plates * 3]
    rows, cols, scores = rows[order], cols[order], scores[order]
    dx, dy, lw, lh = (reg[k, rows, cols] for k in range(4))
    cx, cy = (cols + dx) * stride, (rows + dy) * stride
    bw, bh = np.exp(np.clip(lw, -5, 8)) * stride, np.exp(np.clip(lh, -5, 8)) * stride
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1) / scale
    keep = nms(boxes, scores, nms_iou)[:max_plates]
    return [(tuple(float(v) for v in boxes[i]), float(scores[i])) for i in keep]  # type: ignore[misc]
