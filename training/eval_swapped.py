"""A second stand-in for US car photos, independent of the training generator: each *val* US crop replaces
the plate of a *val* EU or BR car photo (the old plate inpainted away, the US plate resized onto its
place at 60 % of its width, about the real ratio of a US to an EU plate), then the whole pipeline runs.

Unlike `eval_pasted.py`, the scenes are real cars at real plate positions and sizes, no photo here was
used in training, and the pasting is a plain resize (no perspective or blur from `training/synth`).
Reports detection recall (IoU ≥ 0.5), exact top-1, state, and ms per photo. Deterministic.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator

import cv2
import numpy as np

from platewatch.engine.benchmark import BenchResult, LabelRow, score_photo
from training.candidate_models import add_model_options, pipeline_from
from training.data import CropSample, PhotoSample, load_photos, load_us_crops

US_TO_EU_WIDTH = 0.6  # 12 in (305 mm) against 520 mm


def without_plate(photo: PhotoSample) -> np.ndarray:
    """The photo with its labelled plate (and 2 px around it) inpainted away."""
    x, y, w, h = photo.box
    mask = np.zeros(photo.image.shape[:2], np.uint8)
    mask[max(0, y - 2) : y + h + 2, max(0, x - 2) : x + w + 2] = 255
    return cv2.inpaint(photo.image, mask, 5, cv2.INPAINT_TELEA)


def swap_plate(photo: PhotoSample, plate: np.ndarray) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The photo with its plate inpainted away and `plate` (BGR) put in its place; the new plate's box."""
    x, y, w, h = photo.box
    scene = without_plate(photo)
    ph, pw = plate.shape[:2]
    nw = max(8, round(w * US_TO_EU_WIDTH))
    nh = max(4, round(nw * ph / pw))
    cx, cy = x + w / 2, y + h / 2
    x0 = int(np.clip(round(cx - nw / 2), 0, scene.shape[1] - nw))
    y0 = int(np.clip(round(cy - nh / 2), 0, scene.shape[0] - nh))
    interp = cv2.INTER_AREA if nw < pw else cv2.INTER_LINEAR
    scene[y0 : y0 + nh, x0 : x0 + nw] = cv2.resize(plate, (nw, nh), interpolation=interp)
    return scene, (float(x0), float(y0), float(x0 + nw), float(y0 + nh))


def swapped_scenes() -> Iterator[tuple[np.ndarray, tuple[float, float, float, float], CropSample]]:
    """(photo with a US val crop in place of its plate, the new plate's box, the crop) for each US val crop."""
    photos = load_photos("openalpr-eu-endtoend", "val") + load_photos("openalpr-br-endtoend", "val")
    for i, s in enumerate(load_us_crops("val")):
        scene, box = swap_plate(photos[i % len(photos)], s.image)
        yield scene, box, s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    add_model_options(ap)
    args = ap.parse_args()
    pipeline = pipeline_from(args)
    res = BenchResult("us-crops-swapped-into-eu-br-photos", "val", "photos", topn=5)
    widths: list[float] = []
    for i, (scene, box, s) in enumerate(swapped_scenes()):
        widths.append(box[2] - box[0])
        res.images += 1
        t0 = time.perf_counter()
        reads = pipeline.run(scene)
        res.ms.append((time.perf_counter() - t0) * 1000)
        score_photo(res, LabelRow(f"swap-{i}", s.plate, s.state, box), reads)
    print(
        f"US val crops swapped into the val EU/BR car photos: {res.images} images, plates "
        f"{np.percentile(widths, 10):.0f}-{np.percentile(widths, 90):.0f} px wide (p10-p90), "
        f"detected {res.rate(res.detected):.1%}, exact top-1 {res.rate(res.exact):.1%}, "
        f"state {res.rate(res.state_ok):.1%}"
    )
    print(f"  pipeline ms per photo, one thread: median {res.ms_median:.1f}, p90 {res.ms_p90:.1f}")


if __name__ == "__main__":
    main()
