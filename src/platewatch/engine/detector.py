"""PlateDetector: a BGR frame → plate boxes (frame pixels) with scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from platewatch.engine import postprocess
from platewatch.engine.models import DETECTOR, DetectorSpec
from platewatch.engine.onnx_runtime import OnnxModel
from platewatch.engine.preprocess import detector_input, to_bgr
from platewatch.engine.types import Detection


class PlateDetector:
    def __init__(
        self,
        path: Path = DETECTOR,
        threads: int = 1,
        threshold: float = 0.3,
        long_side: int | None = None,
        max_pixels: int | None = None,
    ) -> None:
        self.model = OnnxModel(path, threads)
        self.spec = DetectorSpec.load(path)
        self.threshold = threshold
        self.long_side = long_side or self.spec.long_side
        self.max_pixels = max_pixels or self.spec.max_pixels

    def detect(self, frame: np.ndarray) -> list[Detection]:
        """Plates in `frame` (grey, BGR or BGRA uint8), best score first."""
        tensor, scale = detector_input(to_bgr(frame), self.long_side, self.spec.multiple, self.max_pixels)
        heat, reg = self.model.run(tensor)
        found = postprocess.decode(heat[0, 0], reg[0], self.spec.stride, scale, self.threshold)
        h, w = frame.shape[:2]
        out = []
        for (x1, y1, x2, y2), score in found:
            box = (max(0.0, x1), max(0.0, y1), min(float(w), x2), min(float(h), y2))
            if box[2] - box[0] >= 2 and box[3] - box[1] >= 2:
                out.append(Detection(box, score))
        return out
