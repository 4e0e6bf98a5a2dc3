"""Train the corner regressor ("rectifier": a detection's box grown by a context margin, colour 3×64×128 → the
plate's four corners as fractions of that crop) and export ONNX.

Samples are real US *train* crops and synthetic plates warped in perspective into scene patches as
`samples.pasted_us_crop` warps them (so the corners are known), cut around the quad's bounding box moved the way
the detector's boxes move, and grown by CONTEXT."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from training import common
from training.common import cbr
from training.data import CropSample, load_folder_images, load_us_crops
from training.samples import READER_H, READER_W, at_photo_scale
from training.synth import augment, plates

log = logging.getLogger("training.rectifier")
CONTEXT = (0.12, 0.20)
"""The detection's box is grown by this fraction of its width and height on each side: the rectifier's view."""
Rng = np.random.Generator


class RectifierNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            cbr(3, 24, 2),  # 32×64
            cbr(24, 32),
            nn.MaxPool2d(2),  # 16×32
            cbr(32, 48),
            cbr(48, 48),
            nn.MaxPool2d(2),  # 8×16
            cbr(48, 64),
            cbr(64, 64),
            nn.MaxPool2d(2),  # 4×8
            cbr(64, 96),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(96 * 4 * 8, 128), nn.ReLU(True), nn.Linear(128, 8))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features((x - 0.5) / 0.25))


def cut_around(canvas: np.ndarray, quad: np.ndarray, rng: Rng) -> tuple[np.ndarray, np.ndarray]:
    """The rectifier's view of a plate at `quad` in `canvas`: its bounding box moved like a detector's box (≈4 % of
    the width, ≈5.5 % of the height per side), grown by CONTEXT; (crop, the corners as fractions of the crop)."""
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    bw, bh = x1 - x0, y1 - y0
    jx, jy = rng.normal(0, 0.04, 2) * bw, rng.normal(0, 0.055, 2) * bh
    bx0, by0, bx1, by1 = x0 + jx[0], y0 + jy[0], x1 + jx[1], y1 + jy[1]
    if bx1 - bx0 < 4 or by1 - by0 < 4:
        bx0, by0, bx1, by1 = x0, y0, x1, y1
    cx, cy = CONTEXT[0] * (bx1 - bx0), CONTEXT[1] * (by1 - by0)
    h, w = canvas.shape[:2]
    xa, ya = max(0, round(bx0 - cx)), max(0, round(by0 - cy))
    xb, yb = min(w, round(bx1 + cx)), min(h, round(by1 + cy))
    crop = canvas[ya:yb, xa:xb]
    corners = (quad - [xa, ya]) / [max(1, xb - xa), max(1, yb - ya)]
    return crop, corners.astype(np.float32)


def pasted(plate_bgr: np.ndarray, rng: Rng, patches: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A plate image at photo scale in a scene patch, as `pasted_us_crop` shows it; the rectifier's view of it."""
    canvas, quad = at_photo_scale(plate_bgr, rng, patches)
    crop, corners = cut_around(canvas, quad, rng)
    crop = cv2.resize(crop, (READER_W, READER_H), interpolation=cv2.INTER_AREA)
    return augment.damage(crop, rng, 0.3), corners


class Batches:
    def __init__(self, seed: int, real_share: float) -> None:
        self.rng = np.random.default_rng(seed)
        self.real_share = real_share
        self.us = load_us_crops("train")
        self.patches = load_folder_images("negatives", limit=120)

    def sample(self) -> tuple[np.ndarray, np.ndarray]:
        if self.rng.random() < self.real_share:
            s: CropSample = self.us[int(self.rng.integers(len(self.us)))]
            return pasted(s.image, self.rng, self.patches)
        p = plates.render_any(self.rng, 0.8)
        return pasted(p.image[..., ::-1].copy(), self.rng, self.patches)

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        xs, ys = [], []
        for _ in range(n):
            img, corners = self.sample()
            xs.append(img[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / 255.0)
            ys.append(corners.reshape(-1))
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def evaluate(model: nn.Module, data: tuple[torch.Tensor, torch.Tensor]) -> tuple[float, float]:
    """Mean corner error on held-out samples, as a fraction of the crop's width and height: the model's and the
    error of taking the (jittered, grown) box's own corners."""
    x, y = data
    model.eval()
    with torch.no_grad():
        pred = model(x)
    model.train()
    cx, cy = (c / (1 + 2 * c) for c in CONTEXT)
    corners = torch.tensor([cx, cy, 1 - cx, cy, 1 - cx, 1 - cy, cx, 1 - cy]).expand_as(y)
    return float((pred - y).abs().mean()), float((corners - y).abs().mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=45.0)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--real-share", type=float, default=0.5, help="real US train crops (the rest synthetic plates)")
    ap.add_argument("--ema", type=float, default=0.999, help="export an exponential moving average of the weights")
    ap.add_argument("--out", type=Path, default=common.MODELS / "rectifier.onnx")
    ap.add_argument("--run", type=Path, default=common.RUNS / "rectifier")
    args = ap.parse_args()
    common.setup(args.seed)
    args.run.mkdir(parents=True, exist_ok=True)
    model = RectifierNet()
    ema = torch.optim.swa_utils.AveragedModel(
        model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(args.ema), use_buffers=True
    )
    data = Batches(args.seed, args.real_share)
    held_out = Batches(args.seed + 1000, args.real_share).batch(480)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    lossf = nn.SmoothL1Loss(beta=0.02)
    budget = args.minutes * 60
    start = time.time()
    step, seen, losses = 0, 0, []
    while (elapsed := time.time() - start) < budget:
        for g in opt.param_groups:
            g["lr"] = common.lr_at(elapsed / budget, args.lr)
        x, y = data.batch(args.batch)
        loss = lossf(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema.update_parameters(model)
        losses.append(float(loss.detach()))
        step += 1
        seen += x.shape[0]
        if step % 200 == 0:
            err, box_err = evaluate(ema.module, held_out)
            log.info(
                "step %d seen %d loss %.4f held-out corner error %.4f (the box's corners: %.4f) %.0f samples/s",
                step, seen, np.mean(losses[-200:]), err, box_err, seen / elapsed,
            )  # fmt: skip
    torch.save(ema.module.state_dict(), args.run / "last.pt")
    err, box_err = evaluate(ema.module, held_out)
    log.info("held-out corner error %.4f of the crop (the box's corners: %.4f)", err, box_err)
    final = ema.module
    final.eval()
    common.export_onnx(final, torch.zeros(1, 3, READER_H, READER_W), args.out, ["image"], ["corners"])
    meta = {"input": [3, READER_H, READER_W], "context": list(CONTEXT), "normalize": "rgb/255",
            "corners": "tl, tr, br, bl as (x, y) fractions of the input crop"}  # fmt: skip
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n")
    log.info("exported %s after %d steps, %.1f min", args.out, step, (time.time() - start) / 60)


if __name__ == "__main__":
    main()
