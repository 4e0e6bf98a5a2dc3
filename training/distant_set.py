"""The distant-plate stand-in: *val* plates as a 1280-px car camera sees them far off, written as a benchmark folder.

Real US photos show the plate at 4–17 % of a 1280-px frame's width (median about 7 %, issue 21), the shared EU/BR
photos at 15–31 %. Each image here is built the way such a photo comes about:

- a *val* EU/BR car photo (its own plate inpainted away) is scaled so that a US plate in its plate's place
  (60 % of an EU plate's width) is W px wide, W drawn from the real photos' spread (`plate_width`), and laid
  with a feathered edge into a 1280×720 or 1280×960 street scene, or cut to the frame when it is larger;
- a *val* US crop is area-downscaled to W and warped, in slight perspective, onto that place (its own
  pixels, never upscaled from the small car photo);
- then the camera (`training/synth/camera.py`): optical blur over the whole frame, sometimes motion blur, a day
  (60 %), dusk (25 %) or night/IR (15 %) look with sensor noise, and JPEG at quality 55–85, at the frame's own size.

The EU/BR set is the same val photos with their own plates, the plate (an EU plate is 1/0.6 times a US one) drawn
at W/0.6. Every image is drawn from its own seed (`seed * 100_003 + index`), so the first N images are the same
whatever the count: the tests read a fixed sample of them. Output: `<out>/distant-us/` and `<out>/distant-eubr/`
(`<out>` is `training/cache`), each with `labels.csv` (`file,x,y,w,h,plate,state,split`, the shared format) for
`platewatch bench recognition`. `--split train` builds the same from the train rows (`distant-us-train/`,
`distant-eubr-train/`): a development set for decoding choices, so that val is only measured, never tuned on.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from training.data import CropSample, PhotoSample, load_folder_images, load_photos, load_us_crops
from training.eval_swapped import US_TO_EU_WIDTH, without_plate
from training.synth import augment, camera

FRAME_WIDTH = 1280
WIDTH_SHARE = (0.04, 0.072, 0.17)
"""Plate width as a share of the frame's width: the floor, the median and the ceiling of the real photos'."""


@dataclass(frozen=True, slots=True)
class DistantImage:
    jpeg: bytes
    box: tuple[float, float, float, float]  # x1, y1, x2, y2
    plate: str
    state: str
    look: str


def plate_width(rng: np.random.Generator) -> float:
    """A US plate's width in px of a 1280-px frame, as the real photos spread it: a two-piece log-normal with its
    median at 7.2 % of the width, 4.8 % at the 5th percentile and 16.8 % at the 95th, kept within 4–17 %."""
    z = float(rng.normal())
    sigma = 0.246 if z < 0 else 0.515
    share = WIDTH_SHARE[1] * float(np.exp(sigma * z))
    return FRAME_WIDTH * float(np.clip(share, WIDTH_SHARE[0], WIDTH_SHARE[2]))


def _resized(img: np.ndarray, scale: float) -> np.ndarray:
    h, w = img.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def _lay_into_scene(
    car: np.ndarray, centre: tuple[float, float], scene: np.ndarray, rng: np.random.Generator
) -> tuple[float, float]:
    """Put `car` into `scene` (in place): feathered when smaller than the frame, cut to it when larger, the plate's
    `centre` always inside the frame with a margin; the offset that maps car pixels to frame pixels."""
    fh, fw = scene.shape[:2]
    ch, cw = car.shape[:2]
    cx, cy = centre
    margin = 0.08 * fw

    def offset(size: int, frame: int, c: float) -> float:
        lo, hi = (frame - size, 0.0) if size > frame else (0.0, frame - size)
        lo, hi = max(lo, margin - c), min(hi, frame - margin - c)
        return float(rng.uniform(lo, hi)) if hi > lo else (lo + hi) / 2

    ox, oy = round(offset(cw, fw, cx)), round(offset(ch, fh, cy))
    xa, ya, xb, yb = max(0, ox), max(0, oy), min(fw, ox + cw), min(fh, oy + ch)
    part = car[ya - oy : yb - oy, xa - ox : xb - ox].astype(np.float32)
    alpha = np.ones(car.shape[:2], np.float32)
    feather = max(3, round(0.06 * min(ch, cw)))
    alpha[:feather] *= np.linspace(0, 1, feather)[:, None]
    alpha[-feather:] *= np.linspace(1, 0, feather)[:, None]
    alpha[:, :feather] *= np.linspace(0, 1, feather)[None, :]
    alpha[:, -feather:] *= np.linspace(1, 0, feather)[None, :]
    a = alpha[ya - oy : yb - oy, xa - ox : xb - ox, None]
    region = scene[ya:yb, xa:xb].astype(np.float32)
    scene[ya:yb, xa:xb] = (region * (1 - a) + part * a).astype(np.uint8)
    return float(ox), float(oy)


def _scene(negatives: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    height = 720 if rng.random() < 0.7 else 960
    src = negatives[int(rng.integers(len(negatives)))]
    sh, sw = src.shape[:2]
    scale = max(FRAME_WIDTH / sw, height / sh)
    big = cv2.resize(src, (max(FRAME_WIDTH, round(sw * scale)), max(height, round(sh * scale))))
    y = int(rng.integers(0, big.shape[0] - height + 1))
    x = int(rng.integers(0, big.shape[1] - FRAME_WIDTH + 1))
    return big[y : y + height, x : x + FRAME_WIDTH].copy()


def distant_us(
    crop: CropSample, photo: PhotoSample, negatives: list[np.ndarray], rng: np.random.Generator
) -> DistantImage:
    """A val US crop on a val car photo's plate place, the car far off in a street scene, through the camera."""
    width = plate_width(rng)
    x, y, w, h = photo.box
    scale = width / (US_TO_EU_WIDTH * w)
    car = _resized(without_plate(photo), scale)
    scene = _scene(negatives, rng)
    ox, oy = _lay_into_scene(car, ((x + w / 2) * scale, (y + h / 2) * scale), scene, rng)
    ph, pw = crop.image.shape[:2]
    plate = cv2.resize(crop.image, (max(8, round(width)), max(4, round(width * ph / pw))), interpolation=cv2.INTER_AREA)
    quad = augment.random_quad(float(plate.shape[1]), float(plate.shape[0]), rng, 0.02)
    quad += np.array([ox + (x + w / 2) * scale, oy + (y + h / 2) * scale], np.float32) - quad.mean(axis=0)
    augment.paste_quad(scene, plate, quad)
    (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
    box = (
        max(0.0, float(x0)),
        max(0.0, float(y0)),
        min(float(FRAME_WIDTH), float(x1)),
        min(float(scene.shape[0]), float(y1)),
    )
    _, jpeg, look = camera.shoot(scene, box, rng)
    return DistantImage(jpeg, box, crop.plate, crop.state, look)


def distant_photo(photo: PhotoSample, negatives: list[np.ndarray], rng: np.random.Generator) -> DistantImage:
    """A val EU/BR car photo with its own plate, far off in a street scene, through the camera."""
    width = plate_width(rng) / US_TO_EU_WIDTH
    x, y, w, h = photo.box
    scale = width / w
    car = _resized(photo.image, scale)
    scene = _scene(negatives, rng)
    ox, oy = _lay_into_scene(car, ((x + w / 2) * scale, (y + h / 2) * scale), scene, rng)
    x0, y0 = ox + x * scale, oy + y * scale
    box = (
        max(0.0, x0),
        max(0.0, y0),
        min(float(FRAME_WIDTH), x0 + w * scale),
        min(float(scene.shape[0]), y0 + h * scale),
    )
    _, jpeg, look = camera.shoot(scene, box, rng)
    return DistantImage(jpeg, box, photo.plate, "", look)


def _photos(split: str = "val") -> list[PhotoSample]:
    return load_photos("openalpr-eu-endtoend", split) + load_photos("openalpr-br-endtoend", split)


def us_images(count: int | None = None, seed: int = 0, split: str = "val") -> Iterator[DistantImage]:
    """The US set's first `count` images (all 317 val crops when None), each from its own seed."""
    photos, negatives = _photos(split), load_folder_images("negatives")
    for i, crop in enumerate(load_us_crops(split)[:count]):
        yield distant_us(crop, photos[i % len(photos)], negatives, np.random.default_rng(seed * 100_003 + i))


def eubr_images(count: int | None = None, seed: int = 0, split: str = "val") -> Iterator[DistantImage]:
    """The EU/BR set's first `count` images (all 76 val photos when None), each from its own seed."""
    negatives = load_folder_images("negatives")
    for i, photo in enumerate(_photos(split)[:count]):
        yield distant_photo(photo, negatives, np.random.default_rng(seed * 100_003 + 50_000 + i))


def write_folder(folder: Path, images: Iterator[DistantImage], prefix: str, split: str = "val") -> int:
    """Write the images and their `labels.csv` (all rows `split`); how many."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    n = 0
    with (folder / "labels.csv").open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "x", "y", "w", "h", "plate", "state", "split", "look"])
        for n, img in enumerate(images, 1):
            name = f"images/{prefix}{n:04d}.jpg"
            (folder / name).write_bytes(img.jpeg)
            x1, y1, x2, y2 = img.box
            out.writerow(
                [
                    name,
                    f"{x1:.1f}",
                    f"{y1:.1f}",
                    f"{x2 - x1:.1f}",
                    f"{y2 - y1:.1f}",
                    img.plate,
                    img.state,
                    split,
                    img.look,
                ]
            )
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("training/cache"), help="the folders go here")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=None, help="only the first N images of each set")
    ap.add_argument(
        "--split",
        default="val",
        choices=("val", "train"),
        help="train: a development set from the train rows (folders `distant-us-train`, `distant-eubr-train`), "
        "to choose decoding settings on without looking at val",
    )
    args = ap.parse_args()
    suffix = "" if args.split == "val" else f"-{args.split}"
    us, eubr = args.out / f"distant-us{suffix}", args.out / f"distant-eubr{suffix}"
    n_us = write_folder(us, us_images(args.count, args.seed, args.split), "us", args.split)
    n_eubr = write_folder(eubr, eubr_images(args.count, args.seed, args.split), "eubr", args.split)
    print(f"{us}: {n_us} images; {eubr}: {n_eubr} images")


if __name__ == "__main__":
    main()
