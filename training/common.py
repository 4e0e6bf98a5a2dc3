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


def cbr(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    """3×3 convolution (no bias; padded to keep the size at stride 1), BatchNorm, ReLU: the layer of every network
    here (their state-dict keys are those of this Sequential: `0.weight`, `1.running_mean`, …)."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride, dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


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


def load_onnx_weights(model: nn.Module, path: Path) -> None:
    """Start from an exported model (e.g. a shipped one) of the same architecture.

    ONNX export folds each BatchNorm into the conv before it, so that conv gets the folded weights and the
    BatchNorm becomes the identity plus the folded bias: train with the BatchNorms frozen (`--freeze-bn`)
    to keep that exact. Conv nodes are matched to the model's convs in order (registration order is the
    forward order in our models); a count or shape mismatch is an error, never a partial load."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    nodes = [n for n in graph.node if n.op_type == "Conv" and n.input[1] in inits]
    layers = [m for m in model.modules() if isinstance(m, nn.Conv1d | nn.Conv2d | nn.BatchNorm2d)]
    convs: list[tuple[nn.Conv1d | nn.Conv2d, nn.BatchNorm2d | None]] = []
    for i, m in enumerate(layers):
        if isinstance(m, nn.Conv1d | nn.Conv2d):
            nxt = layers[i + 1] if i + 1 < len(layers) else None
            convs.append((m, nxt if isinstance(nxt, nn.BatchNorm2d) else None))
    if len(nodes) != len(convs):
        raise ValueError(f"{path}: {len(nodes)} convs, the model has {len(convs)}")
    for node, (cv, _) in zip(nodes, convs, strict=True):
        if inits[node.input[1]].shape != tuple(cv.weight.shape) or len(node.input) < 3:
            raise ValueError(f"{path}: conv {node.name} does not fit {cv}")
    with torch.no_grad():
        for node, (cv, bn) in zip(nodes, convs, strict=True):
            cv.weight.copy_(torch.from_numpy(inits[node.input[1]].copy()))
            bias = torch.from_numpy(inits[node.input[2]].copy())
            if bn is None:
                if cv.bias is None:
                    raise ValueError(f"{path}: conv {node.name} has a bias the model lacks")
                cv.bias.copy_(bias)
                continue
            bn.weight.fill_(1.0)
            bn.bias.copy_(bias)
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)


def freeze_batchnorm(model: nn.Module) -> None:
    """No gradients for the BatchNorms; `train_mode` then keeps their running statistics too."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.requires_grad_(False)


def train_mode(model: nn.Module) -> None:
    """Training mode; BatchNorms frozen by `freeze_batchnorm` keep their running statistics."""
    model.train()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d) and not m.weight.requires_grad:
            m.eval()


def pick_device(name: str) -> torch.device:
    """`auto` (a CUDA GPU when torch sees one, else the CPU), `cpu` or `cuda`."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA GPU (the CPU build of torch, or no driver)")
    return torch.device(name)
