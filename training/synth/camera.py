"""A car camera far from the plate: optics, motion, light (day, dusk, night/IR) and JPEG over a whole frame."""

from __future__ import annotations

import cv2
import numpy as np

Rng = np.random.Generator

LOOKS = (("day", 0.60), ("dusk", 0.25), ("night", 0.15))
"""How often each light is drawn."""


def shoot(frame: np.ndarray, box: tuple[float, float, float, float], rng: Rng) -> tuple[np.ndarray, bytes, str]:
    """`frame` (BGR) as the camera delivers it, with the plate at `box` (x1, y1, x2, y2): (the decoded image, its
    JPEG bytes, the look). Optical blur always (sigma 0.35–1 px), motion blur on a quarter, then the light: day (a
    little exposure change and noise), dusk (dark, a gamma, a tint, more noise) or night/IR (grey, the scene dark and
    the retroreflective plate bright), then JPEG at quality 55–85."""
    out = cv2.GaussianBlur(frame, (0, 0), float(rng.uniform(0.35, 1.0)))
    if rng.random() < 0.25:
        k = int(rng.integers(3, 6))
        kern = np.zeros((k, k), np.float32)
        kern[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D(((k - 1) / 2, (k - 1) / 2), float(rng.normal(0, 15)), 1.0)
        kern = cv2.warpAffine(kern, rot, (k, k))
        out = cv2.filter2D(out, -1, kern / max(float(kern.sum()), 1e-6))
    look = str(rng.choice([name for name, _ in LOOKS], p=[p for _, p in LOOKS]))
    img = out.astype(np.float32)
    if look == "dusk":
        img = 255.0 * (img * float(rng.uniform(0.35, 0.65)) / 255.0) ** float(rng.uniform(1.1, 1.5))
        img *= np.array(rng.uniform(0.85, 1.15, 3), np.float32)  # the light's tint
        img += rng.normal(0, float(rng.uniform(3, 8)), img.shape).astype(np.float32)
    elif look == "night":
        grey = img.mean(axis=2)
        h, w = grey.shape
        x1, y1 = max(0, round(box[0])), max(0, round(box[1]))
        x2, y2 = min(w, max(x1 + 1, round(box[2]))), min(h, max(y1 + 1, round(box[3])))
        lit = grey * float(rng.uniform(0.25, 0.5))
        plate = grey[y1:y2, x1:x2]
        # A retroreflective plate under the camera's IR light: bright, its characters dark.
        contrast, level = float(rng.uniform(1.1, 1.6)), float(rng.uniform(150, 200))
        lit[y1:y2, x1:x2] = np.clip((plate - plate.mean()) * contrast + level, 0, 255)
        lit = cv2.GaussianBlur(lit, (0, 0), 0.6)
        lit += rng.normal(0, float(rng.uniform(4, 10)), lit.shape).astype(np.float32)
        img = np.repeat(lit[..., None], 3, axis=2)
    else:
        img = img * float(rng.uniform(0.85, 1.15)) + float(rng.uniform(-15, 15))
        img += rng.normal(0, float(rng.uniform(1, 4)), img.shape).astype(np.float32)
    quality = int(rng.integers(55, 86))
    ok, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return cv2.imdecode(buf, cv2.IMREAD_COLOR), buf.tobytes(), look
