"""Detector training scenes: real EU/BR photos (own plate, or a US plate warped over it) and negatives
with synthetic or real plates pasted in perspective; returns a crop with its plate boxes."""

from __future__ import annotations

import cv2
import numpy as np

from training.data import CropSample, PhotoSample
from training.synth import augment, plates

Rng = np.random.Generator
Boxes = list[tuple[float, float, float, float]]


class SceneMaker:
    def __init__(
        self,
        photos: list[PhotoSample],
        negatives: list[np.ndarray],
        us_crops: list[CropSample],
        eu_crops: list[np.ndarray],
        seed: int,
    ) -> None:
        self.photos, self.negatives, self.us, self.eu = photos, negatives, us_crops, eu_crops
        self.rng = np.random.default_rng(seed)

    def plate_image(self) -> tuple[np.ndarray, bool]:
        """A plate picture (BGR) and whether it is US-shaped (2:1)."""
        r = self.rng.random()
        if r < 0.4:
            return plates.render_us(self.rng).image[..., ::-1].copy(), True
        if r < 0.75:
            return self.us[int(self.rng.integers(len(self.us)))].image, True
        if r < 0.9:
            return self.eu[int(self.rng.integers(len(self.eu)))], False
        p = plates.render_eu(self.rng) if self.rng.random() < 0.6 else plates.render_br(self.rng)
        return p.image[..., ::-1].copy(), False

    def paste(self, scene: np.ndarray, plate: np.ndarray, cx: float, cy: float, width: float) -> tuple[float, ...]:
        ph, pw = plate.shape[:2]
        height = width * ph / pw * self.rng.uniform(0.9, 1.1)
        quad = augment.random_quad(width, height, self.rng, 0.05)
        quad += np.array([cx, cy], np.float32) - quad.mean(axis=0)
        augment.paste_quad(scene, plate, quad)
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        return (float(x0), float(y0), float(x1), float(y1))

    def from_photo(self) -> tuple[np.ndarray, Boxes]:
        s = self.photos[int(self.rng.integers(len(self.photos)))]
        img = s.image.copy()
        x, y, w, h = s.box
        if self.rng.random() < 0.5:
            return img, [(x, y, x + w, y + h)]
        # cover the original plate with the surrounding colour, then put another plate there
        ring = img[max(0, y - h // 2) : y + h + h // 2, max(0, x - w // 4) : x + w + w // 4]
        fill = np.median(ring.reshape(-1, 3), axis=0)
        ya, yb, xa, xb = max(0, y - h // 10), y + h + h // 10, max(0, x - w // 20), x + w + w // 20
        img[ya:yb, xa:xb] = fill + self.rng.normal(0, 6, img[ya:yb, xa:xb].shape)
        plate, us = self.plate_image()
        width = w * (self.rng.uniform(0.6, 0.95) if us else self.rng.uniform(1.0, 1.1))
        box = self.paste(img, plate, x + w / 2, y + h / 2, width)
        return img, [box]

    def from_negative(self) -> tuple[np.ndarray, Boxes]:
        img = self.negatives[int(self.rng.integers(len(self.negatives)))].copy()
        h, w = img.shape[:2]
        boxes: Boxes = []
        for _ in range(int(self.rng.choice([0, 1, 1, 1, 2, 2, 3]))):
            plate, _ = self.plate_image()
            width = float(np.exp(self.rng.uniform(np.log(0.05), np.log(0.4))) * w)
            cx, cy = self.rng.uniform(width / 2, w - width / 2), self.rng.uniform(0.1 * h, 0.95 * h)
            r = width * 0.75  # generous: the plate's quad stays inside this square
            guess = (cx - r, cy - r, cx + r, cy + r)
            if any(_overlap(guess, o) > 0 or _overlap(o, guess) > 0 for o in boxes):
                continue
            boxes.append(self.paste(img, plate, cx, cy, width))
        return img, boxes

    def sample(self, size: int, long_side: int = 640) -> tuple[np.ndarray, Boxes]:
        """A size×size BGR crop at inference-like scale, and the plate boxes inside it."""
        img, boxes = self.from_photo() if self.rng.random() < 0.5 else self.from_negative()
        h, w = img.shape[:2]
        scale = long_side / max(h, w) * float(np.exp(self.rng.uniform(np.log(0.6), np.log(1.5))))
        img = cv2.resize(img, (max(size, round(w * scale)), max(size, round(h * scale))), interpolation=cv2.INTER_AREA)
        sx, sy = img.shape[1] / w, img.shape[0] / h
        boxes = [(b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy) for b in boxes]
        H, W = img.shape[:2]
        if boxes and self.rng.random() < 0.85:
            b = boxes[int(self.rng.integers(len(boxes)))]
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            x0 = int(np.clip(cx - self.rng.uniform(0.15, 0.85) * size, 0, W - size))
            y0 = int(np.clip(cy - self.rng.uniform(0.15, 0.85) * size, 0, H - size))
        else:
            x0, y0 = int(self.rng.integers(0, W - size + 1)), int(self.rng.integers(0, H - size + 1))
        crop = img[y0 : y0 + size, x0 : x0 + size]
        out: Boxes = []
        for b in boxes:
            c = (b[0] - x0, b[1] - y0, b[2] - x0, b[3] - y0)
            cx, cy = (c[0] + c[2]) / 2, (c[1] + c[3]) / 2
            if 0 <= cx < size and 0 <= cy < size:
                out.append(c)
        crop = augment.damage(crop, self.rng, 0.4)
        if self.rng.random() < 0.5:
            crop = crop[:, ::-1].copy()
            out = [(size - c[2], c[1], size - c[0], c[3]) for c in out]
        return crop, out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix * iy / max(1e-6, (a[2] - a[0]) * (a[3] - a[1]))
