"""Cache the crops a detector really cuts from US *train* plates pasted into 1280×720 plate-free scenes, so the
reader can train on that detector's geometry (`training/reader.py --det-crops`). Seeded; pickled list of
(BGR crop, plate, state)."""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import cv2
import numpy as np

from platewatch.engine.detector import PlateDetector
from platewatch.engine.models import DETECTOR
from platewatch.engine.pipeline import PipelineConfig
from platewatch.engine.postprocess import iou
from platewatch.engine.preprocess import crop
from training.data import load_folder_images, load_us_crops
from training.samples import camera_look
from training.synth import augment

CACHE = Path(__file__).resolve().parent / "cache" / "detector_crops.pkl"


def pasted_scene(
    plate: np.ndarray, scene: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """`plate` warped in perspective, 36–320 px wide (log-uniform), into a 1280×720 copy of `scene`, with
    camera blur and JPEG on the whole scene sometimes; returns (scene, the plate's bounding box)."""
    canvas = cv2.resize(scene, (1280, 720))
    width = float(np.exp(rng.uniform(np.log(36), np.log(320))))
    ph, pw = plate.shape[:2]
    quad = augment.random_quad(width, width * ph / pw, rng, float(rng.uniform(0.0, 0.06)))
    quad += np.array([rng.uniform(200, 1080), rng.uniform(120, 600)], np.float32) - quad.mean(axis=0)
    augment.paste_quad(canvas, plate, quad)
    canvas = camera_look(canvas, rng)
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    return canvas, (float(x0), float(y0), float(x1), float(y1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--detector", type=Path, default=DETECTOR)
    ap.add_argument("--count", type=int, default=6000, help="scenes to make (undetected plates are skipped)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=CACHE)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    det = PlateDetector(args.detector)
    margin = PipelineConfig().margin
    train, negatives = load_us_crops("train"), load_folder_images("negatives")
    out: list[tuple[np.ndarray, str, str]] = []
    for _ in range(args.count):
        s = train[int(rng.integers(len(train)))]
        scene, box = pasted_scene(s.image, negatives[int(rng.integers(len(negatives)))], rng)
        best = max(det.detect(scene), key=lambda d: iou(d.box, box), default=None)
        if best is not None and iou(best.box, box) >= 0.5:
            out.append((crop(scene, best.box, margin).copy(), s.plate, s.state))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pickle.dumps(out))
    print(f"{len(out)} of {args.count} pasted plates detected; crops written to {args.out}")


if __name__ == "__main__":
    main()
