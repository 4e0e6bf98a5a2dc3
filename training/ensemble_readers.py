"""Join exported readers into one reader ONNX that averages their probabilities (the engine's input and output, so
the engine runs it as any reader): `python -m training.ensemble_readers OUT.onnx A.onnx B.onnx …`."""

from __future__ import annotations

import argparse
import math
import shutil
from pathlib import Path

import onnx
import torch
from onnx import numpy_helper
from torch import nn

from training import common
from training.reader import Reader
from training.samples import READER_H, READER_W


def width_of(path: Path) -> float:
    """The channel multiplier of an exported `Reader` (its stem has 16 × width channels)."""
    graph = onnx.load(str(path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    stem = next(n for n in graph.node if n.op_type == "Conv" and n.input[1] in inits)
    return int(inits[stem.input[1]].shape[0]) / 16


class Ensemble(nn.Module):
    """The mean of its readers' probabilities, as log-probabilities N×T×C."""

    def __init__(self, readers: list[Reader]) -> None:
        super().__init__()
        self.readers = nn.ModuleList(readers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logps = torch.stack([r(x) for r in self.readers])
        return torch.logsumexp(logps, 0) - math.log(len(self.readers))


def load(path: Path) -> Reader:
    model = Reader(width_of(path))
    common.load_onnx_weights(model, path)
    return model.eval()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("readers", nargs="+", type=Path)
    args = ap.parse_args()
    model = Ensemble([load(p) for p in args.readers]).eval()
    common.export_onnx(model, torch.zeros(1, 1, READER_H, READER_W), args.out, ["image"], ["logprobs"])
    shutil.copyfile(args.readers[0].with_suffix(".json"), args.out.with_suffix(".json"))
    print(f"{args.out}: mean of {', '.join(map(str, args.readers))}")


if __name__ == "__main__":
    main()
