"""Training crops for the reader and the state classifier, cut the way the pipeline cuts them."""

from __future__ import annotations

import cv2
import numpy as np

from platewatch.engine.preprocess import to_bgr
from training.data import CropSample, PhotoSample
from training.synth import augment, camera, plates

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


def to_reader_rgb(img_bgr: np.ndarray) -> np.ndarray:
    """BGR (or grey) crop → RGB uint8 READER_H×READER_W×3 (the engine's `colour_batch` does the same)."""
    return cv2.resize(to_bgr(img_bgr), (READER_W, READER_H), interpolation=cv2.INTER_AREA)[:, :, ::-1].copy()


def to_colour(img_bgr: np.ndarray) -> np.ndarray:
    return cv2.resize(img_bgr, (READER_W, READER_H), interpolation=cv2.INTER_AREA)


def rendered_crop(plate: plates.Plate, rng: Rng, patches: list[np.ndarray] | None) -> np.ndarray:
    """A rendered plate in a bit of scene, damaged, as a BGR crop at reader size."""
    crop = augment.plate_in_context(plate.image[..., ::-1].copy(), rng, patches)
    return augment.damage(to_colour(crop), rng)


def synth_crop(rng: Rng, patches: list[np.ndarray] | None, us_share: float = 0.8) -> tuple[np.ndarray, str, str]:
    """(BGR crop at reader size, text, state) from the synthetic generator."""
    p = plates.render_any(rng, us_share)
    return rendered_crop(p, rng, patches), p.text, p.state


def real_us_crop(sample: CropSample, rng: Rng, strength: float = 0.5) -> np.ndarray:
    return augment.damage(to_colour(jitter_tight_crop(sample.image, rng)), rng, strength)


def camera_look(canvas: np.ndarray, rng: Rng) -> np.ndarray:
    """A photo as a camera delivers it: sometimes out of focus (30 %), sometimes JPEG-compressed (40 %)."""
    if rng.random() < 0.3:
        canvas = cv2.GaussianBlur(canvas, (0, 0), float(rng.uniform(0.4, 1.2)))
    if rng.random() < 0.4:
        ok, buf = cv2.imencode(".jpg", canvas, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 95))])
        if ok:
            canvas = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return canvas


def at_photo_scale(plate: np.ndarray, rng: Rng, patches: list[np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """A plate image as a 1280×720 photo shows it: warped in perspective at 45–320 px wide into a scene patch
    (sometimes pre-blurred to its size, sometimes aliased), with camera blur/JPEG at that scale; (the patch, the
    plate's corners tl tr br bl in it)."""
    img = plate
    ph, pw = img.shape[:2]
    width = float(np.exp(rng.uniform(np.log(45), np.log(320))))
    height = width * ph / pw
    if rng.random() < 0.5 and width < pw:  # optics blur before sampling instead of aliasing
        img = cv2.resize(img, (max(8, round(width * 1.3)), max(4, round(height * 1.3))), interpolation=cv2.INTER_AREA)
    quad = augment.random_quad(width, height, rng, float(rng.uniform(0.0, 0.06)))
    pad = int(0.5 * width) + 8
    qw, qh = quad.max(axis=0)
    canvas = augment.context_canvas(int(qh) + 2 * pad, int(qw) + 2 * pad, rng, patches)
    quad = quad + pad
    augment.paste_quad(canvas, img, quad)
    return camera_look(canvas, rng), quad


def cut_like_detector(
    canvas: np.ndarray, quad: np.ndarray, rng: Rng, margin: tuple[float, float] = (0.02, 0.04)
) -> np.ndarray:
    """The plate at `quad` in `canvas` cut like the pipeline cuts a detection: the bounding box with detector-like side
    jitter (≈4 % of the width, ≈5.5 % of the height, measured on pasted scenes) plus the pipeline margin."""
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    bw, bh = x1 - x0, y1 - y0
    jx, jy = rng.normal(0, 0.04, 2) * bw, rng.normal(0, 0.055, 2) * bh
    mx, my = margin[0] * bw, margin[1] * bh
    h, w = canvas.shape[:2]
    xa, ya = max(0, round(x0 + jx[0] - mx)), max(0, round(y0 + jy[0] - my))
    xb, yb = min(w, round(x1 + jx[1] + mx)), min(h, round(y1 + jy[1] + my))
    if xb - xa < 4 or yb - ya < 4:
        xa, ya, xb, yb = round(x0), round(y0), round(x1), round(y1)
    return canvas[ya:yb, xa:xb]


def pasted_us_crop(
    sample: CropSample, rng: Rng, patches: list[np.ndarray] | None, margin: tuple[float, float] = (0.02, 0.04)
) -> np.ndarray:
    """A real US crop as a 1280×720 photo shows it (`at_photo_scale`), then cut like the pipeline cuts a detection
    (`cut_like_detector`). BGR, reader size."""
    canvas, quad = at_photo_scale(sample.image, rng, patches)
    return augment.damage(to_colour(cut_like_detector(canvas, quad, rng, margin)), rng, 0.3)


DISTANT_WIDTHS = (45.0, 130.0)
"""Plate widths (px of a 1280-px frame) of `distant_crop`: where real photos' plates are and readings fail most."""


def distant_crop(
    plate: np.ndarray, rng: Rng, patches: list[np.ndarray] | None, widths: tuple[float, float] = DISTANT_WIDTHS
) -> np.ndarray:
    """A plate image (BGR) as a car camera shows it far off: area-downscaled to `widths` px wide (log-uniform; 45–130 by
    default), warped in slight perspective into a scene patch, through the camera (`synth/camera.py`: optics, motion,
    day/dusk/night light, JPEG at that size), then cut like a detection. BGR, reader size."""
    ph, pw = plate.shape[:2]
    width = float(np.exp(rng.uniform(*np.log(widths))))
    small = cv2.resize(plate, (max(8, round(width)), max(4, round(width * ph / pw))), interpolation=cv2.INTER_AREA)
    quad = augment.random_quad(float(small.shape[1]), float(small.shape[0]), rng, float(rng.uniform(0.0, 0.04)))
    pad = int(0.5 * width) + 8
    qw, qh = quad.max(axis=0)
    canvas = augment.context_canvas(int(qh) + 2 * pad, int(qw) + 2 * pad, rng, patches)
    quad = quad + pad
    augment.paste_quad(canvas, small, quad)
    (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
    shot, _, _ = camera.shoot(canvas, (float(x0), float(y0), float(x1), float(y1)), rng)
    return to_colour(cut_like_detector(shot, quad, rng))


def real_photo_crop(sample: PhotoSample, rng: Rng, box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    return augment.damage(to_colour(photo_crop(sample, rng, box)), rng, 0.5)
