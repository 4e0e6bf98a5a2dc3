"""Where the shipped models live and what their JSON sidecars say about inputs and outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODELS_DIR = Path(__file__).with_name("models")
DETECTOR = MODELS_DIR / "detector.onnx"
READER = MODELS_DIR / "reader.onnx"
SMALL_READER = MODELS_DIR / "reader_small.onnx"
"""A second reader for plates narrower than `PipelineConfig.small_below`, used when its file is there."""
STATE = MODELS_DIR / "state.onnx"
RECTIFIER = MODELS_DIR / "rectifier.onnx"
DETECTOR_SIZES = (320, 1920)
"""The detector input sizes (longer side, pixels) a site may choose in place of the detector's own: below 320 a
1280-px frame's plates are a few pixels wide; above 1920 no camera here gives more."""


def sidecar(model: Path) -> dict[str, Any]:
    """The JSON next to `model` (same name, .json), or {} when there is none."""
    meta = model.with_suffix(".json")
    if not meta.is_file():
        return {}
    data: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    height: int = 64
    width: int = 128
    charset: str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    blank: int = 0
    channels: int = 1
    """1: the crop in grey; 3: in colour (RGB), for a reader that sees what luminance loses (a yellow-on-turquoise
    plate is nearly blank in grey)."""

    @classmethod
    def load(cls, model: Path) -> ReaderSpec:
        m = sidecar(model)
        if not m:
            return cls()
        c, h, w = m["input"]
        if int(c) not in (1, 3):
            raise ValueError(f"{model.name}: a reader takes 1 (grey) or 3 (RGB) input channels, not {c}")
        return cls(int(h), int(w), str(m["charset"]), int(m["blank"]), int(c))


@dataclass(frozen=True, slots=True)
class DetectorSpec:
    stride: int = 4
    long_side: int = 640
    multiple: int = 32
    max_pixels: int | None = None
    """Input area cap (the sidecar's `max_pixels`): frames squarer than 4:3 are scaled below `long_side`."""
    refine_above: float | None = None
    """A plate found wider than this many input pixels is found again in a window around it, scaled so that it is
    `refine_width` wide there (the sidecar's `refine_above`; None: never). The detector learned plates of the sizes a
    640-px input shows; at a larger input a near plate is larger than any it learned, and its box falls short."""
    refine_width: float = 90.0

    @classmethod
    def load(cls, model: Path) -> DetectorSpec:
        m = sidecar(model)
        cap, above = m.get("max_pixels"), m.get("refine_above")
        return cls(
            int(m.get("stride", 4)),
            int(m.get("long_side", 640)),
            int(m.get("multiple", 32)),
            int(cap) if cap else None,
            float(above) if above else None,
            float(m.get("refine_width", 90.0)),
        )


@dataclass(frozen=True, slots=True)
class StateSpec:
    height: int = 64
    width: int = 128
    classes: tuple[str, ...] = ()

    @classmethod
    def load(cls, model: Path) -> StateSpec:
        m = sidecar(model)
        _, h, w = m.get("input", [3, 64, 128])
        return cls(int(h), int(w), tuple(m.get("classes", ())))


@dataclass(frozen=True, slots=True)
class RectifierSpec:
    height: int = 64
    width: int = 128
    context: tuple[float, float] = (0.12, 0.20)
    """The detection's box is grown by this fraction of its width and height on each side: what the model sees."""

    @classmethod
    def load(cls, model: Path) -> RectifierSpec:
        m = sidecar(model)
        _, h, w = m.get("input", [3, 64, 128])
        cx, cy = m.get("context", [0.12, 0.20])
        return cls(int(h), int(w), (float(cx), float(cy)))
