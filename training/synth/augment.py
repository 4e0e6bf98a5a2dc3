"""Augmentation: perspective into context, crop with a jittered margin, and camera/lighting damage."""

from __future__ import annotations

import cv2
import numpy as np

Rng = np.random.Generator


def random_quad(w: float, h: float, rng: Rng, strength: float = 0.08) -> np.ndarray:
    """Four corners (tl, tr, br, bl) of a plate w×h after a random rotation, shear and perspective."""
    pts = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    ang = np.deg2rad(rng.normal(0, 4))
    rot = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]], np.float32)
    pts = (pts - [w / 2, h / 2]) @ rot.T
    pts[:, 0] += pts[:, 1] * rng.normal(0, 0.08)  # shear
    pts += rng.uniform(-strength, strength, (4, 2)).astype(np.float32) * [w, h]
    # horizontal foreshortening: one side shorter
    k = rng.uniform(-0.12, 0.12)
    pts[[0, 3], 1] *= 1 + k
    pts[[1, 2], 1] *= 1 - k
    return pts - pts.min(axis=0)


def paste_quad(scene: np.ndarray, plate: np.ndarray, quad: np.ndarray) -> None:
    """Warp `plate` onto `scene` (in place) so that its corners land on `quad` (tl, tr, br, bl)."""
    ph, pw = plate.shape[:2]
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    h, w = scene.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1 + 1), min(h, y1 + 1)
    if x1 <= x0 or y1 <= y0:
        return
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64)
    m2 = shift @ m
    size = (x1 - x0, y1 - y0)
    warped = cv2.warpPerspective(plate, m2, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), m2, size, flags=cv2.INTER_LINEAR)
    region = scene[y0:y1, x0:x1].astype(np.float32)
    blended = region * (1 - mask[..., None]) + warped.astype(np.float32) * mask[..., None]
    scene[y0:y1, x0:x1] = blended.astype(scene.dtype)


def context_canvas(h: int, w: int, rng: Rng, patches: list[np.ndarray] | None = None) -> np.ndarray:
    """Something to put around a plate: a car-body colour with gradient and noise, or a scene patch."""
    if patches and rng.random() < 0.6:
        src = patches[int(rng.integers(len(patches)))]
        sh, sw = src.shape[:2]
        if sh > h and sw > w:
            y, x = int(rng.integers(0, sh - h)), int(rng.integers(0, sw - w))
            return src[y : y + h, x : x + w].copy()
        return cv2.resize(src, (w, h))
    col = rng.uniform(0, 255, 3).astype(np.float32)
    small = col * rng.uniform(0.6, 1.2, (4, 4, 1)).astype(np.float32)
    small += rng.normal(0, 10, (4, 4, 3)).astype(np.float32)
    img = cv2.resize(np.clip(small, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_CUBIC)
    return img


def crop_with_margin(
    img: np.ndarray,
    box: tuple[float, float, float, float],
    rng: Rng,
    mx: tuple[float, float],
    my: tuple[float, float],
) -> np.ndarray:
    """Cut box (x0, y0, x1, y1) with each side moved by a random fraction of the box size."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    left, r = rng.uniform(*mx, 2) * bw
    t, b = rng.uniform(*my, 2) * bh
    h, w = img.shape[:2]
    xa, ya = round(max(0, x0 - left)), round(max(0, y0 - t))
    xb, yb = round(min(w, x1 + r)), round(min(h, y1 + b))
    if xb - xa < 4 or yb - ya < 4:
        return img
    return img[ya:yb, xa:xb]


def plate_in_context(plate: np.ndarray, rng: Rng, patches: list[np.ndarray] | None = None) -> np.ndarray:
    """The plate warped into surroundings and cut out the way a detector box + margin would cut it."""
    ph, pw = plate.shape[:2]
    quad = random_quad(pw, ph, rng)
    pad = int(0.3 * max(pw, ph))
    qw, qh = quad.max(axis=0)
    canvas = context_canvas(int(qh) + 2 * pad, int(qw) + 2 * pad, rng, patches)
    quad = quad + pad
    paste_quad(canvas, plate, quad)
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    return crop_with_margin(canvas, (x0, y0, x1, y1), rng, (-0.03, 0.08), (-0.04, 0.12))


def motion_blur(img: np.ndarray, rng: Rng) -> np.ndarray:
    k = int(rng.integers(3, 8))
    kern = np.zeros((k, k), np.float32)
    kern[k // 2, :] = 1.0 / k
    rot = cv2.getRotationMatrix2D(((k - 1) / 2, (k - 1) / 2), float(rng.uniform(0, 180)), 1.0)
    kern = cv2.warpAffine(kern, rot, (k, k))
    kern /= max(kern.sum(), 1e-6)
    return cv2.filter2D(img, -1, kern)


def damage(img: np.ndarray, rng: Rng, strength: float = 1.0) -> np.ndarray:
    """Camera and lighting damage on a small uint8 image (colour or grey), roughly in capture order."""
    out = img.astype(np.float32)
    h, w = out.shape[:2]
    if rng.random() < 0.3 * strength:  # glare: a bright blob
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        s = rng.uniform(0.1, 0.5) * w
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * s * s)) * rng.uniform(60, 200)
        out += blob[..., None] if out.ndim == 3 else blob
    if rng.random() < 0.3 * strength:  # shadow: a dark half-plane
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        a = rng.uniform(0, 2 * np.pi)
        side = (np.cos(a) * (xx - w / 2) + np.sin(a) * (yy - h / 2)) > rng.normal(0, w / 6)
        f = np.where(side, rng.uniform(0.4, 0.8), 1.0)
        out *= f[..., None] if out.ndim == 3 else f
    if rng.random() < 0.2 * strength:  # dirt: dark specks
        for _ in range(int(rng.integers(3, 15))):
            c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
            cv2.circle(out, c, int(rng.integers(1, max(2, h // 12))), (rng.uniform(30, 90),) * 3, -1)
    if rng.random() < 0.08 * strength:  # partial occlusion at an edge (tow bar, frame, another car)
        bw = int(w * rng.uniform(0.05, 0.15))
        x = 0 if rng.random() < 0.5 else w - bw
        out[:, x : x + bw] = rng.uniform(0, 255)
    # exposure
    out = out * rng.uniform(0.5, 1.4) + rng.uniform(-50, 40)
    out = np.clip(out, 0, 255)
    if rng.random() < 0.3:
        out = 255.0 * (out / 255.0) ** rng.uniform(0.5, 1.8)
    if rng.random() < 0.15 and out.ndim == 3:  # night / IR: monochrome, high contrast, bright plate
        g = out.mean(axis=2, keepdims=True)
        g = np.clip((g - g.mean()) * rng.uniform(1.2, 2.0) + g.mean() + rng.uniform(-20, 40), 0, 255)
        out = np.repeat(g, 3, axis=2)
    out = out.astype(np.uint8)
    if rng.random() < 0.5 * strength:  # low resolution
        f = rng.uniform(0.25, 0.8)
        small = cv2.resize(out, (max(4, int(w * f)), max(4, int(h * f))), interpolation=cv2.INTER_AREA)
        out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.25 * strength:
        out = motion_blur(out, rng)
    if rng.random() < 0.25 * strength:
        s = rng.uniform(0.5, 1.6)
        out = cv2.GaussianBlur(out, (0, 0), s)
    if rng.random() < 0.5:
        noise = rng.normal(0, rng.uniform(2, 12), out.shape)
        out = np.clip(out + noise, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        q = int(rng.integers(15, 90))
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED).reshape(out.shape)
    return out
