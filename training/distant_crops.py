"""Cache the crops the shipped detector cuts from US *train* plates far off, built the way the distant stand-in builds
its frames (`training/distant_set.py`: a train EU/BR car with the US crop on its plate place, far off in a street
scene, through the camera), so the reader can train on what it is given at distance (`training/reader.py
--det-crops`). Seeded; pickled list of (BGR crop, plate, state), the format of `training/detector_crops.py`."""

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
from training.data import load_folder_images, load_photos, load_us_crops
from training.distant_set import distant_us

CACHE = Path(__file__).resolve().parent / "cache" / "distant_crops.pkl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--detector", type=Path, default=DETECTOR)
    ap.add_argument("--count", type=int, default=6000, help="frames to make (undetected plates are skipped)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=CACHE)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    det = PlateDetector(args.detector)
    margin = PipelineConfig().margin
    train, negatives = load_us_crops("train"), load_folder_images("negatives")
    photos = load_photos("openalpr-eu-endtoend", "train") + load_photos("openalpr-br-endtoend", "train")
    out: list[tuple[np.ndarray, str, str]] = []
    for i in range(args.count):
        s = train[int(rng.integers(len(train)))]
        image = distant_us(s, photos[int(rng.integers(len(photos)))], negatives, rng)
        frame = cv2.imdecode(np.frombuffer(image.jpeg, np.uint8), cv2.IMREAD_COLOR)
        best = max(det.detect(frame), key=lambda d: iou(d.box, image.box), default=None)
        if best is not None and iou(best.box, image.box) >= 0.5:
            out.append((crop(frame, best.box, margin).copy(), s.plate, s.state))
        if (i + 1) % 500 == 0:
            print(f"{i + 1} frames, {len(out)} crops", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pickle.dumps(out))
    print(f"{len(out)} of {args.count} distant plates detected; crops written to {args.out}")


if __name__ == "__main__":
    main()
