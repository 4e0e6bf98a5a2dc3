"""Recognition engine: plate detection, OCR and state classification on ONNX models.

Names are imported lazily so that `import platewatch.engine.image_io` (the CLI) stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Candidate": "types",
    "Detection": "types",
    "OcrResult": "types",
    "PlateRead": "types",
    "StateGuess": "types",
    "Pipeline": "pipeline",
    "PipelineConfig": "pipeline",
    "PlateDetector": "detector",
    "PlateReader": "reader",
    "StateClassifier": "state",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"platewatch.engine.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'platewatch.engine' has no attribute {name!r}")
