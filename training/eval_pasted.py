"""A stand-in for US car photos: paste the *val* US crops, in perspective, into 1280×720 plate-free
scenes and run the whole pipeline (detection recall at IoU 0.5, exact top-1). Seeded."""

from __future__ import annotations

import argparse

import cv2
import numpy as np

from platewatch.engine.pipeline import Pipeline
from platewatch.engine.postprocess import iou
from training.data import load_folder_images, load_us_crops
from training.synth import augment


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=317)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    pipeline = Pipeline.default(threads=1)
    rng = np.random.default_rng(args.seed)
    val, negatives = load_us_crops("val")[: args.count], load_folder_images("negatives")
    found = exact = 0
    for s in val:
        scene = cv2.resize(negatives[int(rng.integers(len(negatives)))], (1280, 720))
        width = float(rng.uniform(60, 260))
        ph, pw = s.image.shape[:2]
        quad = augment.random_quad(width, width * ph / pw, rng, 0.03)
        quad += np.array([rng.uniform(200, 1000), rng.uniform(200, 600)], np.float32) - quad.mean(axis=0)
        augment.paste_quad(scene, s.image, quad)
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        box = (float(x0), float(y0), float(x1), float(y1))
        best = max(pipeline.run(scene), key=lambda r: iou(r.box, box), default=None)
        if best is not None and iou(best.box, box) >= 0.5:
            found += 1
            exact += best.text == s.plate
    n = len(val)
    print(f"US val crops pasted into scenes: {n} images, detected {found / n:.1%}, exact top-1 {exact / n:.1%}")


if __name__ == "__main__":
    main()
