"""Train the US state classifier (colour 3×64×128 crop → 51 states/DC + "--" not US) and export ONNX."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from platewatch.engine.types import NOT_US
from training import common
from training.common import cbr
from training.data import CropSample, load_folder_images, load_photos, load_us_crops
from training.samples import (
    READER_H,
    READER_W,
    distant_crop,
    pasted_us_crop,
    real_photo_crop,
    real_us_crop,
    rendered_crop,
    synth_crop,
    to_colour,
)
from training.synth import augment, plates
from training.synth.styles import STATE_CODES
from training.synth.templates import Template, load_templates, render_on_template

log = logging.getLogger("training.state")
CLASSES = (*sorted(STATE_CODES), NOT_US)


class StateNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            cbr(3, 24, 2),  # 32×64
            cbr(24, 32),
            nn.MaxPool2d(2),  # 16×32
            cbr(32, 64),
            nn.MaxPool2d(2),  # 8×16
            cbr(64, 96),
            cbr(96, 96),
            nn.MaxPool2d(2),  # 4×8
            cbr(96, 128),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(128 * 4 * 8, len(CLASSES)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features((x - 0.5) / 0.25))


class Batches:
    def __init__(
        self, seed: int, pasted_share: float = 0.0, distant_share: float = 0.0, template_share: float = 0.0
    ) -> None:
        self.pasted_share, self.distant_share, self.template_share = pasted_share, distant_share, template_share
        self.templates: dict[str, list[Template]] = {}
        for t in load_templates() if template_share else []:
            self.templates.setdefault(t.state, []).append(t)
        self.rng = np.random.default_rng(seed)
        self.us = load_us_crops("train")
        self.photos = load_photos("openalpr-eu-endtoend", "train") + load_photos("openalpr-br-endtoend", "train")
        self.eu = load_folder_images("eu", limit=400)
        self.patches = load_folder_images("negatives", limit=120)

    def sample(self) -> tuple[np.ndarray, int]:
        r = self.rng.random()
        if r < 0.55:
            s = self.us[int(self.rng.integers(len(self.us)))]
            way = self.rng.random()
            if way < self.distant_share:  # far off: 45–130 px through a camera's blur, light and JPEG
                return distant_crop(s.image, self.rng, self.patches), CLASSES.index(s.state)
            if way < self.distant_share + self.pasted_share:  # as a 1280×720 photo shows it, cut like a detection
                return pasted_us_crop(s, self.rng, self.patches), CLASSES.index(s.state)
            return real_us_crop(s, self.rng), CLASSES.index(s.state)
        if r < 0.8:
            state = STATE_CODES[int(self.rng.integers(len(STATE_CODES)))]
            designs = self.templates.get(state)
            if designs and self.rng.random() < self.template_share:  # the state's real blank design
                p = render_on_template(designs[int(self.rng.integers(len(designs)))], self.rng)
                if self.rng.random() < self.pasted_share:  # as a photo shows it, cut like a detection
                    bgr = np.ascontiguousarray(p.image[..., ::-1])
                    return pasted_us_crop(CropSample(bgr, p.text, state), self.rng, self.patches), CLASSES.index(state)
            else:
                p = plates.render_us(self.rng, state)
            return rendered_crop(p, self.rng, self.patches), CLASSES.index(state)
        if r < 0.88:
            p = self.photos[int(self.rng.integers(len(self.photos)))]
            return real_photo_crop(p, self.rng), CLASSES.index(NOT_US)
        if r < 0.94:
            img = self.eu[int(self.rng.integers(len(self.eu)))]
            return augment.damage(to_colour(img), self.rng, 0.5), CLASSES.index(NOT_US)
        img, _, _ = synth_crop(self.rng, self.patches, us_share=0.0)
        return img, CLASSES.index(NOT_US)

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        xs, ys = [], []
        for _ in range(n):
            img, y = self.sample()
            xs.append(img[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / 255.0)
            ys.append(y)
        return torch.from_numpy(np.stack(xs)), torch.tensor(ys)


def evaluate(model: StateNet) -> float:
    val = load_us_crops("val")
    x = np.stack([to_colour(s.image)[:, :, ::-1].transpose(2, 0, 1) for s in val]).astype(np.float32) / 255.0
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(x)).argmax(-1).numpy()
    model.train()
    return float(np.mean([CLASSES[p] == s.state for p, s in zip(pred, val, strict=True)]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=60.0, help="a time box (the shipped run: 51 minutes)")
    ap.add_argument("--steps", type=int, default=4500, help="a fixed number of steps (0: --minutes sets it)")
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--pasted-share", type=float, default=0.5, help="of the real US crops: pasted at photo scale")
    ap.add_argument("--distant-share", type=float, default=0.0, help="of the real US crops: far off (distant_crop)")
    ap.add_argument(
        "--template-share",
        type=float,
        default=0.5,
        help="of the synthetic US plates: drawn on the state's real blank design (us-plate-templates), pasted at "
        "photo scale as often as --pasted-share says",
    )
    ap.add_argument("--out", type=Path, default=common.MODELS / "state.onnx")
    ap.add_argument("--run", type=Path, default=common.RUNS / "state")
    args = ap.parse_args()
    common.setup(args.seed)
    args.run.mkdir(parents=True, exist_ok=True)
    model = StateNet()
    data = Batches(args.seed, args.pasted_share, args.distant_share, args.template_share)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    lossf = nn.CrossEntropyLoss(label_smoothing=0.1)
    budget = args.minutes * 60
    start = time.time()
    step, seen, losses = 0, 0, []
    while (elapsed := time.time() - start) < budget and (not args.steps or step < args.steps):
        done = step / args.steps if args.steps else elapsed / budget
        for g in opt.param_groups:
            g["lr"] = common.lr_at(done, args.lr)
        x, y = data.batch(args.batch)
        loss = lossf(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        step += 1
        seen += x.shape[0]
        if step % 50 == 0:
            log.info("step %d seen %d loss %.3f %.0f samples/s", step, seen, np.mean(losses[-50:]), seen / elapsed)
    torch.save(model.state_dict(), args.run / "last.pt")
    log.info("val US crops state accuracy: %.3f", evaluate(model))
    model.eval()
    common.export_onnx(model, torch.zeros(1, 3, READER_H, READER_W), args.out, ["image"], ["logits"])
    meta = {"input": [3, READER_H, READER_W], "classes": list(CLASSES), "normalize": "rgb/255"}
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n")
    log.info("exported %s after %d steps, %.1f min", args.out, step, (time.time() - start) / 60)


if __name__ == "__main__":
    main()
