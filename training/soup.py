"""Average the weights of exported models fine-tuned from one start ("model soup", Wortsman et al. 2022).

    python -m training.soup a.onnx b.onnx [...] --out reader.onnx

The models must share one graph: readers fine-tuned from the same `--init` with `--freeze-bn`, whose
BatchNorms (folded into the convolutions at export) are identical, so that averaging the exported weights
is averaging the trained ones. The first model's `.json` sidecar is copied next to the output.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper


def soup(paths: list[Path]) -> onnx.ModelProto:
    """The first model with every float initializer replaced by the mean over all models."""
    models = [onnx.load(str(p)) for p in paths]
    first = models[0]
    others = [{i.name: numpy_helper.to_array(i) for i in m.graph.initializer} for m in models[1:]]
    for init in first.graph.initializer:
        value = numpy_helper.to_array(init)
        rest = [o[init.name] for o in others]
        if any(r.shape != value.shape for r in rest):
            raise ValueError(f"{init.name}: the models do not share one graph")
        if value.dtype.kind == "f":
            mean = np.mean([value.astype(np.float64), *rest], axis=0).astype(value.dtype)
            init.CopyFrom(numpy_helper.from_array(mean, init.name))
        elif any(not np.array_equal(r, value) for r in rest):
            raise ValueError(f"{init.name}: non-float weights differ")
    return first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    if len(args.models) < 2:
        ap.error("a soup needs two or more models")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(soup(args.models), str(args.out))
    shutil.copyfile(args.models[0].with_suffix(".json"), args.out.with_suffix(".json"))
    print(f"{args.out}: mean of {len(args.models)} models")


if __name__ == "__main__":
    main()
