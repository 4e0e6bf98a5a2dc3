"""Train the plate detector (fully convolutional centre heatmap + box size at stride 4) and export ONNX."""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from training import common
from training.common import cbr
from training.data import load_folder_images, load_photos, load_us_crops
from training.scenes import Boxes, SceneMaker

log = logging.getLogger("training.detector")
STRIDE = 4
LONG_SIDE = 640
MAX_PIXELS = 640 * 480
"""Input area cap at run time: squarer frames than 4:3 are scaled below LONG_SIDE (the cost grows with area)."""


class TopDown(nn.Module):
    """Stride-16 backbone with two top-down merges to stride 4; heads: centre heat (sigmoid) and
    box regression (dx, dy, log w/4, log h/4). Subclasses choose the layers."""

    s2: nn.Module
    s4: nn.Module
    s8: nn.Module
    s16: nn.Module
    lat8: nn.Module
    m8: nn.Module
    lat4: nn.Module
    m4: nn.Module
    heat: nn.Conv2d
    reg: nn.Conv2d

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f4 = self.s4(self.s2(x))
        f8 = self.s8(f4)
        f16 = self.s16(f8)
        m8 = self.m8(f8 + F.interpolate(self.lat8(f16), scale_factor=2.0, mode="nearest"))
        m4 = self.m4(f4 + F.interpolate(self.lat4(m8), scale_factor=2.0, mode="nearest"))
        return torch.sigmoid(self.heat(m4)), self.reg(m4)


class Detector(TopDown):
    """The shipped layout (`--arch v1`): full 3×3 convs throughout."""

    def __init__(self) -> None:
        super().__init__()
        self.s2 = cbr(3, 12, 2)
        self.s4 = nn.Sequential(cbr(12, 24, 2), cbr(24, 24))
        self.s8 = nn.Sequential(cbr(24, 40, 2), cbr(40, 40))
        self.s16 = nn.Sequential(cbr(40, 72, 2), cbr(72, 72), cbr(72, 72, dilation=2), cbr(72, 72, dilation=4))
        self.lat8 = nn.Conv2d(72, 40, 1)
        self.m8 = cbr(40, 40)
        self.lat4 = nn.Conv2d(40, 24, 1)
        self.m4 = cbr(24, 32)
        self.heat = nn.Conv2d(32, 1, 1)
        self.reg = nn.Conv2d(32, 4, 1)
        nn.init.constant_(self.heat.bias, -2.2)


def dws(cin: int, cout: int, dilation: int = 1, stride: int = 1) -> nn.Sequential:
    """Depthwise-separable 3×3: a per-channel 3×3 then a 1×1 mix, each with BatchNorm and ReLU."""
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride, dilation, dilation=dilation, groups=cin, bias=False),
        nn.BatchNorm2d(cin),
        nn.ReLU(inplace=True),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class LiteDetector(TopDown):
    """`Detector`'s layout and outputs with depthwise-separable convs after each downsampling: about 0.55–0.7
    of its run time (tried, not shipped: MODEL_CARD, "Lighter detectors"). Each stage downsamples with a
    full 3×3 conv, then mixes with separable ones."""

    def __init__(self, stem: int = 16, c4: int = 32, c8: int = 48, c16: int = 96) -> None:
        super().__init__()
        self.s2 = cbr(3, stem, 2)
        self.s4 = nn.Sequential(cbr(stem, c4, 2), dws(c4, c4))
        self.s8 = nn.Sequential(cbr(c4, c8, 2), dws(c8, c8))
        self.s16 = nn.Sequential(cbr(c8, c16, 2), dws(c16, c16), dws(c16, c16, 2), dws(c16, c16, 4))
        self.lat8 = nn.Conv2d(c16, c8, 1)
        self.m8 = dws(c8, c8)
        self.lat4 = nn.Conv2d(c8, c4, 1)
        self.m4 = dws(c4, 32)
        self.heat = nn.Conv2d(32, 1, 1)
        self.reg = nn.Conv2d(32, 4, 1)
        nn.init.constant_(self.heat.bias, -2.2)


def patchify(cin: int, cout: int, size: int) -> nn.Sequential:
    """A `size`×`size` conv with stride `size` (non-overlapping patches), with BatchNorm and ReLU."""
    return nn.Sequential(nn.Conv2d(cin, cout, size, size, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class PatchDetector(LiteDetector):
    """`LiteDetector` with a stride-4 patch stem (4×4 conv, stride 4) in place of its two stride-2 full convs: no
    layer runs at half resolution, which is where the other layouts spend most of their time (about 0.45 of
    `Detector`'s run time at 640×480; tried, see MODEL_CARD)."""

    def __init__(self, c4: int = 32, c8: int = 48, c16: int = 96) -> None:
        super().__init__(stem=8, c4=c4, c8=c8, c16=c16)
        self.s2 = nn.Identity()
        self.s4 = nn.Sequential(patchify(3, c4, 4), dws(c4, c4))


class SepPatchDetector(PatchDetector):
    """`PatchDetector` with its two remaining full 3×3 stride-2 convs (stride 4→8 and 8→16, a third of its run time at
    960 px) made depthwise-separable (`dws` with stride 2, about a sixth of their multiply-adds); every other
    layer is the same, so it starts from a trained `PatchDetector` and learns only those two blocks first
    (`--mimic-steps`)."""

    def __init__(self, c4: int = 32, c8: int = 48, c16: int = 96) -> None:
        super().__init__(c4=c4, c8=c8, c16=c16)
        self.s8[0] = dws(c4, c8, stride=2)
        self.s16[0] = dws(c8, c16, stride=2)


ARCHITECTURES: dict[str, Callable[[], TopDown]] = {
    "patch": PatchDetector,
    "patch-sep": SepPatchDetector,
    "v1": Detector,
    "lite": LiteDetector,
    "lite-narrow": lambda: LiteDetector(stem=8, c4=32, c8=48, c16=80),
}


def targets(boxes: Boxes, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heat 1×g×g with a Gaussian per plate centre, regression 4×g×g, and the regression mask."""
    g = size // STRIDE
    heat = np.zeros((1, g, g), np.float32)
    reg = np.zeros((4, g, g), np.float32)
    mask = np.zeros((1, g, g), np.float32)
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float32)
    for x0, y0, x1, y1 in boxes:
        w, h = max(1.0, x1 - x0), max(1.0, y1 - y0)
        cx, cy = (x0 + x1) / 2 / STRIDE, (y0 + y1) / 2 / STRIDE
        sx, sy = max(0.7, w / STRIDE / 6), max(0.7, h / STRIDE / 6)
        gauss = np.exp(-((xs - cx + 0.5) ** 2) / (2 * sx * sx) - ((ys - cy + 0.5) ** 2) / (2 * sy * sy))
        heat[0] = np.maximum(heat[0], gauss)
        ci, cj = int(cy), int(cx)
        if 0 <= ci < g and 0 <= cj < g:
            heat[0, ci, cj] = 1.0
        for i in range(ci - 1, ci + 2):
            for j in range(cj - 1, cj + 2):
                if 0 <= i < g and 0 <= j < g:
                    reg[:, i, j] = (cx - j, cy - i, np.log(w / STRIDE), np.log(h / STRIDE))
                    mask[0, i, j] = 1.0 if (i, j) == (ci, cj) else 0.5
    return heat, reg, mask


def focal_loss(pred: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    """CenterNet's penalty-reduced focal loss."""
    pred = pred.clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    neg = 1 - pos
    pos_loss = torch.log(pred) * (1 - pred) ** 2 * pos
    neg_loss = torch.log(1 - pred) * pred**2 * (1 - gt) ** 4 * neg
    n = pos.sum().clamp(min=1)
    return -(pos_loss.sum() + neg_loss.sum()) / n


def distillation(
    heat: torch.Tensor,
    reg: torch.Tensor,
    t_heat: torch.Tensor,
    t_reg: torch.Tensor,
    truth: torch.Tensor,
    box_weight: float = 1.0,
) -> torch.Tensor:
    """Learning a teacher's outputs too: its heat everywhere (squared error per plate), and its boxes where it
    sees a plate (L1 where its heat > 0.3, times `box_weight`) — a student whose boxes fall where the teacher's do
    gives the reader the crops it was tuned on."""
    plates = truth.eq(1).float().sum().clamp(min=1)
    where = (t_heat > 0.3).float()
    boxes = (F.l1_loss(reg, t_reg, reduction="none") * where).sum() / where.sum().clamp(min=1)
    return F.mse_loss(heat, t_heat, reduction="sum") / plates + box_weight * boxes


def copy_shared(student: nn.Module, teacher: nn.Module) -> list[str]:
    """The teacher's weights copied into every student tensor of the same name and shape; the names left to learn."""
    mine, theirs = student.state_dict(), teacher.state_dict()
    shared = {k: v for k, v in theirs.items() if k in mine and mine[k].shape == v.shape}
    student.load_state_dict(shared, strict=False)
    return sorted(k for k in mine if k not in shared)


def mimic_loss(student: SepPatchDetector, teacher: PatchDetector, x: torch.Tensor) -> torch.Tensor:
    """How far the student's two new blocks are from the teacher's on the teacher's own features (squared error per
    value, summed over the two blocks): each block learns to stand in for the one it replaces."""
    with torch.no_grad():
        f4 = teacher.s4(teacher.s2(x))
        d8 = teacher.s8[0](f4)
        f8 = teacher.s8[1:](d8)
        d16 = teacher.s16[0](f8)
    return F.mse_loss(student.s8[0](f4), d8) + F.mse_loss(student.s16[0](f8), d16)


def make_batch(maker: SceneMaker, n: int, size: int) -> tuple[torch.Tensor, ...]:
    xs, hs, rs, ms = [], [], [], []
    for _ in range(n):
        img, boxes = maker.sample(size, LONG_SIDE)
        h, r, m = targets(boxes, size)
        xs.append(img[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / 255.0)
        hs.append(h)
        rs.append(r)
        ms.append(m)
    return tuple(torch.from_numpy(np.stack(a)) for a in (xs, hs, rs, ms))


def mimic(
    model: SepPatchDetector, teacher: PatchDetector, fresh: list[str], maker: SceneMaker, args: argparse.Namespace
) -> None:
    """Train only the layers not taken from the teacher (`fresh`, from `copy_shared`: the two new blocks, BatchNorm
    statistics included) on `mimic_loss`."""
    model.train()
    params = [p for k, p in model.named_parameters() if k in fresh]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-4)
    hist = []
    for step in range(1, args.mimic_steps + 1):
        for g in opt.param_groups:
            g["lr"] = common.lr_at(step / args.mimic_steps, args.lr)
        x = make_batch(maker, args.batch, args.size)[0]
        loss = mimic_loss(model, teacher, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        hist.append(float(loss.detach()))
        if step % 25 == 0:
            log.info("mimic step %d feature error %.4f", step, np.mean(hist[-25:]))
    torch.save(model.state_dict(), args.run / "mimic.pt")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=24.0)
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--arch", choices=sorted(ARCHITECTURES), default="v1", help="layout (see MODEL_CARD)")
    ap.add_argument("--init", type=Path, help="checkpoint (.pt) or exported detector (.onnx) to continue from")
    ap.add_argument("--freeze-bn", action="store_true", help="keep BatchNorm statistics and affine fixed")
    ap.add_argument("--ema", type=float, default=0.0, help="export an exponential moving average of the weights")
    ap.add_argument("--teacher", type=Path, help="an exported detector (.onnx) whose heat and boxes are learned too")
    ap.add_argument(
        "--box-weight", type=float, default=1.0, help="weight of the teacher's boxes in the distillation loss"
    )
    ap.add_argument("--teacher-arch", choices=sorted(ARCHITECTURES), default="v1", help="the teacher's layout")
    ap.add_argument(
        "--from-teacher",
        action="store_true",
        help="start from the teacher's weights wherever the layouts agree (patch → patch-sep)",
    )
    ap.add_argument(
        "--mimic-steps",
        type=int,
        default=0,
        help="first train only the layers not taken from the teacher to reproduce its blocks (patch-sep)",
    )
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (the schedule follows them)")
    ap.add_argument("--out", type=Path, default=common.MODELS / "detector.onnx")
    ap.add_argument("--run", type=Path, default=common.RUNS / "detector")
    args = ap.parse_args()
    common.setup(args.seed)
    args.run.mkdir(parents=True, exist_ok=True)
    photos = load_photos("openalpr-eu-endtoend", "train") + load_photos("openalpr-br-endtoend", "train")
    eu = load_folder_images("eu") + load_folder_images("eu2")
    maker = SceneMaker(photos, load_folder_images("negatives"), load_us_crops("train"), eu, args.seed)
    model = ARCHITECTURES[args.arch]()
    if args.init and args.init.suffix == ".onnx":
        common.load_onnx_weights(model, args.init)
    elif args.init:
        model.load_state_dict(torch.load(args.init))
    teacher = None
    if args.teacher:
        teacher = ARCHITECTURES[args.teacher_arch]()
        common.load_onnx_weights(teacher, args.teacher)
        teacher.eval()
        teacher.requires_grad_(False)
    if args.from_teacher:
        if teacher is None:
            ap.error("--from-teacher needs --teacher")
        fresh = copy_shared(model, teacher)
        log.info("from the teacher: all but %s", ", ".join(fresh))
        if args.mimic_steps:
            if not isinstance(model, SepPatchDetector) or not isinstance(teacher, PatchDetector):
                ap.error("--mimic-steps needs --arch patch-sep and --teacher-arch patch")
            mimic(model, teacher, fresh, maker, args)
    if args.freeze_bn:
        common.freeze_batchnorm(model)
    common.train_mode(model)
    log.info(
        "detector %s parameters: %d; photos %d, eu crops %d",
        args.arch,
        sum(p.numel() for p in model.parameters()),
        len(photos),
        len(eu),
    )
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=1e-4)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(args.ema), use_buffers=True) if args.ema else None
    budget = args.minutes * 60
    start = last_save = time.time()
    step, seen, hist = 0, 0, []
    while (elapsed := time.time() - start) < budget and (not args.steps or step < args.steps):
        progress = max(elapsed / budget, step / args.steps if args.steps else 0.0)
        for g in opt.param_groups:
            g["lr"] = common.lr_at(progress, args.lr)
        x, heat, reg, mask = make_batch(maker, args.batch, args.size)
        ph, pr = model(x)
        lh = focal_loss(ph, heat)
        lr_ = (F.l1_loss(pr, reg, reduction="none") * mask).sum() / mask.sum().clamp(min=1)
        ld = torch.zeros(())
        if teacher is not None:
            with torch.no_grad():
                t_heat, t_reg = teacher(x)
            ld = distillation(ph, pr, t_heat, t_reg, heat, args.box_weight)
        loss = lh + lr_ + ld
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        if ema is not None:
            ema.update_parameters(model)
        hist.append((float(lh.detach()), float(lr_.detach()), float(ld.detach())))
        step += 1
        seen += x.shape[0]
        if step % 25 == 0:
            a = np.mean(hist[-25:], axis=0)
            log.info("step %d seen %d heat %.3f reg %.3f teacher %.3f %.1f samples/s", step, seen, *a, seen / elapsed)
        if time.time() - last_save > 300:
            last_save = time.time()
            torch.save(model.state_dict(), args.run / "last.pt")
    if ema is not None:  # the averaged weights are the ones exported (and continued from)
        model.load_state_dict(ema.module.state_dict())
    torch.save(model.state_dict(), args.run / "last.pt")
    model.eval()
    common.export_onnx(model, torch.zeros(1, 3, 384, 640), args.out, ["image"], ["heat", "reg"], spatial=True)
    meta = {
        "arch": args.arch,
        "stride": STRIDE,
        "long_side": LONG_SIDE,
        "max_pixels": MAX_PIXELS,
        "multiple": 32,
        "normalize": "rgb/255",
    }
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n")
    log.info("exported %s after %d steps, %d samples, %.1f min", args.out, step, seen, (time.time() - start) / 60)


if __name__ == "__main__":
    main()
