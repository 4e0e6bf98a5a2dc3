"""Training crops for the reader and the state classifier, cut the way the pipeline cuts them."""

from __future__ import annotations

import cv2
import numpy as np

from training.data import CropSample, PhotoSample
from training.synth import augment, plates

Rng = np.random.Generator

READER_H, READER_W = 64, 128
"""Reader input; it must equal platewatch.engine's reader input (recorded in models/reader.json)."""


def jitter_tight_crop(img: np.ndarray, rng: Rng) -> np.ndarray:
    """A tight real crop re-cut as a detector box + margin would: shrink or pad each side, tilt a little."""
    h, w = img.shape[:2]
    pad = int(0.15 * max(h, w))
    big = cv2.copyMakeBorder(
        img, pad, pad, pad, pad, cv2.BORDER_REPLICATE if rng.random() < 0.5 else cv2.BORDER_REFLECT
    )
    if rng.random() < 0.5:  # a small rotation/perspective around the plate
        src = np.array([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]], np.float32)
        dst = (src + rng.normal(0, 0.025, (4, 2)) * [w, h]).astype(np.float32)
        m = cv2.getPerspectiveTransform(src, dst)
        big = cv2.warpPerspective(big, m, (big.shape[1], big.shape[0]), borderMode=cv2.BORDER_REPLICATE)
        quad = cv2.perspectiveTransform(src[None], m)[0]
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
    else:
        x0, y0, x1, y1 = pad, pad, pad + w, pad + h
    return augment.crop_with_margin(big, (x0, y0, x1, y1), rng, (-0.04, 0.08), (-0.06, 0.12))


def photo_crop(sample: PhotoSample, rng: Rng, box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Cut the labelled plate (or `box`, x1 y1 x2 y2, e.g. the detector's) with a jittered margin."""
    if box is None:
        x, y, w, h = sample.box
        box = (x, y, x + w, y + h)
    return augment.crop_with_margin(sample.image, box, rng, (-0.03, 0.10), (-0.05, 0.16))


def to_reader(img_bgr: np.ndarray) -> np.ndarray:
    """BGR crop → grey uint8 READER_H×READER_W (the engine does the same)."""
    g = cv2.cvtColor(img_bgr, cv2.COLOR_BGR2GRAY) if img_bgr.ndim == 3 else img_bgr
    return cv2.resize(g, (READER_W, READER_H), interpolation=cv2.INTER_AREA)


def to_colour(img_bgr: np.ndarray) -> np.ndarray:
    return cv2.resize(img_bgr, (READER_W, READER_H), interpolation=cv2.INTER_AREA)


def synth_crop(rng: Rng, patches: list[np.ndarray] | None, us_share: float = 0.8) -> tuple[np.ndarray, str, str]:
    """(BGR crop at reader size, text, state) from the synthetic generator."""
    p = plates.render_any(rng, us_share)
    crop = augment.plate_in_context(p.image[..., ::-1].copy(), rng, patches)
    crop = augment.damage(to_colour(crop), rng)
    return crop, p.text, p.state


def real_us_crop(sample: CropSample, rng: Rng, strength: float = 0.5) -> np.ndarray:
    return augment.damage(to_colour(jitter_tight_crop(sample.image, rng)), rng, strength)


def real_photo_crop(sample: PhotoSample, rng: Rng, box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    return augment.damage(to_colour(photo_crop(sample, rng, box)), rng, 0.5)
