"""A stand-in for US car photos: paste the *val* US crops, in perspective, into 1280×720 plate-free
scenes and run the whole pipeline (detection recall at IoU 0.5, exact top-1, state, by plate width; ms
per scene). Seeded."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator

import cv2
import numpy as np

from platewatch.engine.postprocess import iou
from training.candidate_models import add_model_options, pipeline_from
from training.data import CropSample, load_folder_images, load_us_crops
from training.synth import augment


def pasted_scenes(
    seed: int, count: int = 317, min_width: float = 60.0, max_width: float = 260.0
) -> Iterator[tuple[np.ndarray, tuple[float, float, float, float], CropSample, float]]:
    """(scene, the plate's box, the val crop pasted, its width) for the first `count` val crops; seeded."""
    rng = np.random.default_rng(seed)
    val, negatives = load_us_crops("val")[:count], load_folder_images("negatives")
    for s in val:
        scene = cv2.resize(negatives[int(rng.integers(len(negatives)))], (1280, 720))
        width = float(rng.uniform(min_width, max_width))
        ph, pw = s.image.shape[:2]
        quad = augment.random_quad(width, width * ph / pw, rng, 0.03)
        quad += np.array([rng.uniform(200, 1000), rng.uniform(200, 600)], np.float32) - quad.mean(axis=0)
        augment.paste_quad(scene, s.image, quad)
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        yield scene, (float(x0), float(y0), float(x1), float(y1)), s, width


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=317)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-width", type=float, default=60.0, help="plate width in the 1280×720 scene, px")
    ap.add_argument("--max-width", type=float, default=260.0)
    add_model_options(ap)
    args = ap.parse_args()
    pipeline = pipeline_from(args)
    edges = np.linspace(args.min_width, args.max_width, 5)
    found, exact = np.zeros(4, int), np.zeros(4, int)
    total, states = np.zeros(4, int), 0
    ms: list[float] = []
    for scene, box, s, width in pasted_scenes(args.seed, args.count, args.min_width, args.max_width):
        b = min(3, int(np.searchsorted(edges, width, side="right")) - 1)
        total[b] += 1
        t0 = time.perf_counter()
        reads = pipeline.run(scene)
        ms.append((time.perf_counter() - t0) * 1000)
        best = max(reads, key=lambda r: iou(r.box, box), default=None)
        if best is not None and iou(best.box, box) >= 0.5:
            found[b] += 1
            exact[b] += best.text == s.plate
            states += best.state == s.state
    n = int(total.sum())
    print(
        f"US val crops pasted into scenes ({args.min_width:.0f}-{args.max_width:.0f} px wide): {n} images, "
        f"detected {found.sum() / n:.1%}, exact top-1 {exact.sum() / n:.1%}, state {states / n:.1%}"
    )
    print(f"  pipeline ms per 1280×720 scene, one thread: median {np.median(ms):.1f}, p90 {np.percentile(ms, 90):.1f}")
    for i in range(4):
        k = max(1, total[i])
        print(
            f"  {edges[i]:.0f}-{edges[i + 1]:.0f} px: {total[i]} images, "
            f"detected {found[i] / k:.1%}, exact {exact[i] / k:.1%}"
        )


if __name__ == "__main__":
    main()
