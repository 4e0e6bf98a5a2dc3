"""Reading each detection at more than one crop margin and voting (`PipelineConfig.reread_margins`), against the
pipeline's one margin, over the swapped, pasted (seeds 0-3) and EU/BR val sets (rules TTA-1 to TTA-3 in
docs/benchmarks.md), and with unsure plates warped upright from a rectifier's corners (`--rectifier`, rule RECT-2):
each variant runs the whole pipeline on every image. Prints exact reads per set and variant."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import replace

import numpy as np

from platewatch.engine.benchmark import BenchResult, LabelRow, score_photo
from platewatch.engine.pipeline import Pipeline
from training.candidate_models import add_model_options, pipeline_from
from training.data import load_photos
from training.eval_pasted import pasted_scenes
from training.eval_swapped import swapped_scenes

VARIANTS: dict[str, tuple[tuple[tuple[float, float], ...], float, float]] = {
    "B": ((), 1.01, 0.0),
    "M2": (((0.08, 0.11),), 1.01, 0.0),
    "M3": (((0.02, 0.03), (0.08, 0.11)), 1.01, 0.0),
    "M3-A": (((0.02, 0.03), (0.08, 0.11)), 0.90, 0.0),
    "M3-B": (((0.02, 0.03), (0.08, 0.11)), 0.90, 0.05),
}
"""Each variant's further crop margins, besides the pipeline's (0.04, 0.06), and the band of confidences of the
reading at (0.04, 0.06) in which they are read (below the first, from the second)."""
Scene = tuple[str, np.ndarray, tuple[float, float, float, float], str, str | None]


def variants(shipped: Pipeline) -> dict[str, Pipeline]:
    """The shipped pipeline's models under each variant's margins, reading box crops; with a rectifier, also "R-U":
    M3-B reading its unsure plates warped upright from their corners (rule RECT-2)."""
    out = {
        name: Pipeline(
            shipped.detector,
            shipped.reader,
            shipped.states,
            replace(shipped.config, reread_margins=more, reread_below=below, reread_floor=floor),
            small_reader=shipped.small_reader,
        )
        for name, (more, below, floor) in VARIANTS.items()
    }
    if shipped.rectifier is not None:
        more, below, floor = VARIANTS["M3-B"]
        config = replace(shipped.config, reread_margins=more, reread_below=below, reread_floor=floor)
        out["R-U"] = Pipeline(
            shipped.detector, shipped.reader, shipped.states, config, shipped.rectifier, shipped.small_reader
        )
    return out


def scenes() -> Iterator[Scene]:
    """(set, image, the plate's box, the plate, its state) over the four sets of rule TTA-1."""
    for image, box, s in swapped_scenes():
        yield "swapped", image, box, s.plate, s.state
    for seed in range(4):
        for image, box, s, _ in pasted_scenes(seed):
            yield f"pasted-{seed}", image, box, s.plate, s.state
    for name in ("openalpr-eu-endtoend", "openalpr-br-endtoend"):
        for p in load_photos(name, "val"):
            x, y, w, h = p.box
            yield name.split("-")[1], p.image, (float(x), float(y), float(x + w), float(y + h)), p.plate, None


def measure(pipelines: dict[str, Pipeline], items: Iterable[Scene]) -> dict[tuple[str, str], BenchResult]:
    results: dict[tuple[str, str], BenchResult] = {}
    for k, (group, image, box, plate, state) in enumerate(items):
        for name, pipeline in pipelines.items():
            res = results.setdefault((group, name), BenchResult(group, "val", "photos", topn=5))
            res.images += 1
            score_photo(res, LabelRow(f"{group}-{k}", plate, state, box), pipeline.run(image))
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    add_model_options(ap)
    ap.add_argument("--limit", type=int, default=None, help="only the first N images (a smoke run)")
    ap.add_argument("--variants", nargs="+", help=f"only these of {', '.join(VARIANTS)} (and R-U, with a rectifier)")
    args = ap.parse_args()
    pipelines = variants(pipeline_from(args))
    names = args.variants or list(pipelines)
    results = measure({n: pipelines[n] for n in names}, itertools.islice(scenes(), args.limit))
    groups = list(dict.fromkeys(g for g, _ in results))
    print("set".ljust(10) + "".join(f"{n:>8}" for n in names) + "   (exact top-1; detected)")
    for g in groups:
        row = "".join(f"{results[g, n].exact:>8}" for n in names)
        detected = "/".join(str(results[g, n].detected) for n in names)
        print(f"{g:<10}{row}   ({detected} of {results[g, names[0]].images})")
    sums = {n: sum(results[g, n].exact for g in groups) for n in names}
    print("sum".ljust(10) + "".join(f"{sums[n]:>8}" for n in names))


if __name__ == "__main__":
    main()
