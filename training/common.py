"""Shared training plumbing: one CPU thread, seeds, logging, learning-rate schedule, ONNX export."""

from __future__ import annotations

import logging
import math
import os
import random
from pathlib import Path

import numpy as np
import torch
from torch import nn

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "src/platewatch/engine/models"
RUNS = REPO / "training/runs"


def setup(seed: int) -> None:
    """Seed everything and pin torch to the thread count in TRAIN_THREADS (default 1)."""
    threads = int(os.environ.get("TRAIN_THREADS", "1"))
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")


def lr_at(progress: float, base: float, warmup: float = 0.03) -> float:
    """Linear warm-up then cosine decay to 2 % of base, as a function of elapsed/total time."""
    if progress < warmup:
        return base * (0.1 + 0.9 * progress / warmup)
    t = (progress - warmup) / (1 - warmup)
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))


def export_onnx(
    model: nn.Module,
    dummy: torch.Tensor,
    out: Path,
    inputs: list[str],
    outputs: list[str],
    spatial: bool = False,
) -> None:
    """Export with a dynamic batch axis (and dynamic H, W when `spatial`, for fully convolutional nets)."""
    model.eval()
    dims = {0: "batch", 2: "height", 3: "width"} if spatial else {0: "batch"}
    axes = {name: dict(dims) for name in inputs + outputs}
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, (dummy,), str(out), input_names=inputs, output_names=outputs,
        dynamic_axes=axes, opset_version=17, dynamo=False,
    )  # fmt: skip
