"""The one module that imports onnxruntime: sessions pinned to a thread count, inputs as numpy."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

try:
    import onnxruntime as ort
except ImportError as exc:  # pragma: no cover - a broken install
    raise ImportError("platewatch.engine needs onnxruntime: pip install 'onnxruntime~=1.32.0'") from exc

log = logging.getLogger(__name__)


class ModelError(RuntimeError):
    """A model file that is missing or cannot be loaded."""


class OnnxModel:
    """An ONNX model with one input; `run` returns all outputs as float32 arrays."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        if not path.is_file():
            raise ModelError(f"model file not found: {path}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError(f"cannot load model {path}: {exc}") from exc
        self.path = path
        self.input_name: str = self._session.get_inputs()[0].name
        self.output_names: list[str] = [o.name for o in self._session.get_outputs()]
        log.debug("loaded %s (%d threads)", path.name, threads)

    def run(self, batch: np.ndarray) -> list[np.ndarray]:
        try:
            outputs = self._session.run(self.output_names, {self.input_name: np.ascontiguousarray(batch, np.float32)})
        except Exception as exc:  # onnxruntime's own error types: an input this model does not take
            raise ModelError(f"model {self.path.name} cannot run on a {batch.shape} input: {exc}") from exc
        return [np.asarray(o, dtype=np.float32) for o in outputs]
