"""Train the plate reader (conv CTC, 1×64×128 grey → 32 steps × 37 classes) and export it to ONNX."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from platewatch.engine.models import ReaderSpec
from training import canary, common
from training.common import cbr
from training.data import PhotoSample, load_folder_images, load_photos, load_us_crops
from training.samples import (
    DISTANT_WIDTHS,
    READER_H,
    READER_W,
    distant_crop,
    pasted_us_crop,
    real_photo_crop,
    real_us_crop,
    rendered_crop,
    synth_crop,
    to_colour,
    to_reader,
    to_reader_rgb,
)
from training.synth import augment, plates
from training.synth.templates import Template, load_templates, render_on_template

log = logging.getLogger("training.reader")
CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = 0  # class 0 is the CTC blank; class i+1 is CHARSET[i]


class Reader(nn.Module):
    """Stride-2 stem, four conv stages collapsing the height, two 1-D convs over the 32 time steps; the crop in grey
    (`channels` 1) or RGB (3)."""

    def __init__(self, width: float = 1.0, channels: int = 1) -> None:
        super().__init__()
        self.width, self.channels = width, channels
        c = [round(k * width) for k in (16, 32, 64, 96, 128)]
        self.features = nn.Sequential(
            cbr(channels, c[0], 2),  # 32×64
            cbr(c[0], c[1]),
            nn.MaxPool2d(2),  # 16×32
            cbr(c[1], c[2]),
            cbr(c[2], c[2]),
            nn.MaxPool2d((2, 1)),  # 8×32
            cbr(c[2], c[3]),
            nn.MaxPool2d((2, 1)),  # 4×32
            cbr(c[3], c[4]),
            nn.Conv2d(c[4], c[4], (4, 1), bias=False),  # 1×32
            nn.BatchNorm2d(c[4]),
            nn.ReLU(inplace=True),
        )
        self.seq = nn.Sequential(
            nn.Conv1d(c[4], c[4], 3, 1, 1),
            nn.ReLU(inplace=True),
            nn.Dropout(0.1),
            nn.Conv1d(c[4], c[4], 3, 1, 1),
            nn.ReLU(inplace=True),
            nn.Conv1d(c[4], len(CHARSET) + 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: N×channels×64×128 in [0, 1] → log-probabilities N×T×C."""
        f = self.features((x - 0.5) / 0.25).squeeze(2)  # N×C×T
        return self.seq(f).permute(0, 2, 1).log_softmax(-1)


SHUFFLES = ((0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))
"""The orders of R, G and B other than their own."""
LUMA_RGB = (0.299, 0.587, 0.114)
"""OpenCV's grey from R, G and B: a colour reader made from a grey one first sees exactly the grey crop."""
FIRST_CONV = "features.0.0.weight"
"""The state-dict key of the convolution that sees the input (out × channels × 3 × 3)."""


def colour_from_grey(grey: Reader) -> Reader:
    """A colour reader that reads as `grey` does at the start: its first convolution takes `grey`'s weights times each
    channel's share of luminance (the input's normalisation is per value, so the sum is the grey one's), the rest as
    they are; training then learns what colour adds."""
    colour = Reader(grey.width, channels=3)
    state = grey.state_dict()
    state[FIRST_CONV] = torch.cat([state[FIRST_CONV] * w for w in LUMA_RGB], dim=1)
    colour.load_state_dict(state)
    return colour


def to_input(crop_bgr: np.ndarray, channels: int) -> np.ndarray:
    """A BGR crop as the reader sees it: grey H×W or RGB H×W×3, uint8."""
    return to_reader_rgb(crop_bgr) if channels == 3 else to_reader(crop_bgr)


def tensor(views: list[np.ndarray]) -> torch.Tensor:
    """uint8 reader views (grey H×W or RGB H×W×3) → N×channels×H×W float in [0, 1]."""
    x = np.stack(views)
    x = x.transpose(0, 3, 1, 2) if x.ndim == 4 else x[:, None]
    return torch.from_numpy(np.ascontiguousarray(x, np.float32) / 255.0)


def encode(text: str) -> list[int]:
    return [CHARSET.index(ch) + 1 for ch in text if ch in CHARSET]


def greedy(logp: np.ndarray) -> str:
    best = logp.argmax(-1)
    out, prev = [], BLANK
    for k in best:
        if k != prev and k != BLANK:
            out.append(CHARSET[k - 1])
        prev = k
    return "".join(out)


class Batches:
    """Endless batches mixing synthetic plates, real US crops and crops cut from EU/BR photos."""

    def __init__(
        self,
        seed: int,
        real_share: float,
        photo_share: float,
        det_boxes: Path | None = None,
        pasted_share: float = 0.0,
        distant_share: float = 0.0,
        distant_widths: tuple[float, float] = DISTANT_WIDTHS,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.us = [s for s in load_us_crops("train") if encode(s.plate)]
        self.photos: list[PhotoSample] = []
        self.det_boxes: list[tuple[float, ...] | None] = []
        cached = json.loads(det_boxes.read_text()) if det_boxes and det_boxes.is_file() else {}
        for name in ("openalpr-eu-endtoend", "openalpr-br-endtoend"):
            for i, s in enumerate(load_photos(name, "train")):
                self.photos.append(s)
                box = cached.get(f"{name}/{i}")
                self.det_boxes.append(tuple(box) if box else None)
        log.info("detector boxes for %d photos", sum(b is not None for b in self.det_boxes))
        self.patches = load_folder_images("negatives", limit=120)
        self.real_share, self.photo_share, self.pasted_share = real_share, photo_share, pasted_share
        self.distant_share, self.distant_widths = distant_share, distant_widths
        self.real_damage = 0.5
        self.det_crops: list[tuple[np.ndarray, str, str]] = []
        self.det_crops_share = 0.0
        self.templates: list[Template] = []
        self.template_share = 0.0
        self.channels = 1
        self.colour_shuffle = 0.0
        log.info("real US crops %d, photo plates %d", len(self.us), len(self.photos))

    def view(self, crop_bgr: np.ndarray) -> np.ndarray:
        """A sample's crop as the reader sees it (`channels`: grey or RGB); in colour, `colour_shuffle` of the samples
        with their channels in another order, so that the reader learns that characters differ from their plate in
        some colour, not which colours a plate it has seen has."""
        view = to_input(crop_bgr, self.channels)
        if self.channels == 3 and self.colour_shuffle and self.rng.random() < self.colour_shuffle:  # no draw at 0
            order = SHUFFLES[int(self.rng.integers(len(SHUFFLES)))]
            view = np.ascontiguousarray(view[:, :, order])
        return view

    def use_det_crops(self, path: Path | None, share: float) -> None:
        """Draw `share` of the samples from training/detector_crops.py's cache: what a detector really cuts
        from pasted US train plates."""
        if path is None:
            return
        self.det_crops = pickle.loads(path.read_bytes())
        self.det_crops_share = share
        log.info("detector crops %d, share %.2f", len(self.det_crops), share)

    def use_templates(self, share: float) -> None:
        """Draw `share` of the synthetic plates on a real blank state design (`us-plate-templates`)."""
        self.templates = load_templates() if share else []
        self.template_share = share
        log.info("plate templates %d, share %.2f of the synthetic plates", len(self.templates), share)

    def sample(self) -> tuple[np.ndarray, str]:
        r = self.rng.random()
        if r < self.distant_share:
            return self.distant()
        r = (r - self.distant_share) / (1 - self.distant_share)
        if r < self.real_share:
            s = self.us[int(self.rng.integers(len(self.us)))]
            return self.view(real_us_crop(s, self.rng, self.real_damage)), s.plate
        if r < self.real_share + self.photo_share:
            k = int(self.rng.integers(len(self.photos)))
            box = self.det_boxes[k] if self.rng.random() < 0.5 else None
            return self.view(real_photo_crop(self.photos[k], self.rng, box)), self.photos[k].plate
        if r < self.real_share + self.photo_share + self.pasted_share:
            s = self.us[int(self.rng.integers(len(self.us)))]
            return self.view(pasted_us_crop(s, self.rng, self.patches)), s.plate
        if r < self.real_share + self.photo_share + self.pasted_share + self.det_crops_share:
            cut, plate, _ = self.det_crops[int(self.rng.integers(len(self.det_crops)))]
            return self.view(augment.damage(to_colour(cut), self.rng, 0.3)), plate
        if self.templates and self.rng.random() < self.template_share:
            t = render_on_template(self.templates[int(self.rng.integers(len(self.templates)))], self.rng)
            return self.view(rendered_crop(t, self.rng, self.patches)), t.text
        img, text, _ = synth_crop(self.rng, self.patches)
        return self.view(img), text

    def distant(self) -> tuple[np.ndarray, str]:
        """A plate far off (`samples.distant_crop`): a real US train crop (60 %) or a synthetic plate."""
        if self.rng.random() < 0.6:
            s = self.us[int(self.rng.integers(len(self.us)))]
            return self.view(distant_crop(s.image, self.rng, self.patches, self.distant_widths)), s.plate
        p = plates.render_any(self.rng, 0.9)
        return self.view(distant_crop(p.image[..., ::-1].copy(), self.rng, self.patches, self.distant_widths)), p.text

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        imgs, targets, lengths = [], [], []
        for _ in range(n):
            img, text = self.sample()
            imgs.append(img)
            t = encode(text)
            targets += t
            lengths.append(len(t))
        return tensor(imgs), torch.tensor(targets, dtype=torch.long), torch.tensor(lengths, dtype=torch.long)


@dataclass(frozen=True)
class BatchRecipe:
    """What `Batches` needs, picklable: each worker process of `--workers` makes its own from it."""

    seed: int
    batch: int
    real_share: float
    photo_share: float
    det_boxes: Path | None
    pasted_share: float
    det_crops: Path | None
    det_crops_share: float
    real_damage: float
    side_marks: float
    mixed_ends: float
    distant_share: float = 0.0
    distant_widths: tuple[float, float] = DISTANT_WIDTHS
    template_share: float = 0.0
    channels: int = 1
    colour_shuffle: float = 0.0
    small_numbers: float = 0.0
    emblem_ink: float = 0.0

    def make(self, seed: int) -> Batches:
        plates.SIDE_MARK_SHARE, plates.MIXED_END_SHARE = self.side_marks, self.mixed_ends
        plates.SMALL_NUMBER_SHARE, plates.EMBLEM_INK_SHARE = self.small_numbers, self.emblem_ink
        data = Batches(
            seed, self.real_share, self.photo_share, self.det_boxes, self.pasted_share, self.distant_share,
            self.distant_widths,
        )  # fmt: skip
        data.use_det_crops(self.det_crops, self.det_crops_share)
        data.use_templates(self.template_share)
        data.real_damage = self.real_damage
        data.channels, data.colour_shuffle = self.channels, self.colour_shuffle
        return data


class BatchStream(torch.utils.data.IterableDataset[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]):
    """Endless batches made in a worker process, seeded by the run's seed and the worker's number: the samples
    are drawn while the model trains (about a quarter of a step's time on one CPU core; nearly all of it next to a
    GPU)."""

    def __init__(self, recipe: BatchRecipe) -> None:
        self.recipe = recipe

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        info = torch.utils.data.get_worker_info()
        worker = info.id if info is not None else 0
        torch.set_num_threads(1)
        cv2.setNumThreads(1)
        data = self.recipe.make(self.recipe.seed + 1009 * (worker + 1))
        while True:
            yield data.batch(self.recipe.batch)


def batches(recipe: BatchRecipe, workers: int) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """The run's batches: made in this process (`workers` 0, the runs before 2026-12-01), or by `workers`
    processes taking turns."""
    if workers == 0:
        data = recipe.make(recipe.seed)
        while True:
            yield data.batch(recipe.batch)
    loader = torch.utils.data.DataLoader(
        BatchStream(recipe), batch_size=None, num_workers=workers, persistent_workers=True, prefetch_factor=4
    )
    yield from loader


def readings(model: Reader, crops: list[np.ndarray]) -> list[str]:
    """Greedy readings of BGR crops (the whole crop, as the engine reads it)."""
    model.eval()
    with torch.no_grad():
        x = tensor([to_input(c, model.channels) for c in crops])
        logp = model(x.to(next(model.parameters()).device)).cpu().numpy()
    common.train_mode(model)
    return [greedy(lp) for lp in logp]


def evaluate(model: Reader, crops: list[np.ndarray], labels: list[str]) -> float:
    return float(np.mean([r == lab for r, lab in zip(readings(model, crops), labels, strict=True)]))


def monitor(model: Reader, val: tuple[list[np.ndarray], list[str]], drawn: tuple[list[np.ndarray], list[str]]) -> str:
    """The val exact rate (monitor only: never used to pick a run; none where only the train rows were carried, as
    in `training/device_kit.py`) and the canary plates' score."""
    exact = f"{evaluate(model, *val):.3f}" if val[0] else "(no val crops here)"
    return f"val US crops exact {exact}; {canary.score(readings(model, drawn[0]), drawn[1])}"


def export(model: Reader, out: Path) -> None:
    model.cpu().eval()
    dummy = torch.zeros(1, model.channels, READER_H, READER_W)
    common.export_onnx(model, dummy, out, ["image"], ["logprobs"])
    normalize = "rgb/255" if model.channels == 3 else "grey/255"
    meta = {"input": [model.channels, READER_H, READER_W], "charset": CHARSET, "blank": BLANK, "normalize": normalize}
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n")


def save_resume(
    path: Path, model: Reader, opt: torch.optim.Optimizer, ema: AveragedModel | None, step: int, seen: int
) -> None:
    """Everything a stopped run needs to go on (`--resume`), written whole or not at all."""
    state = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "seen": seen}
    if ema is not None:
        state["ema"] = ema.state_dict()
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def resume(path: Path, model: Reader, opt: torch.optim.Optimizer, ema: AveragedModel | None) -> tuple[int, int]:
    """Load `save_resume`'s checkpoint into the run's model, optimizer and average; the step and sample counts."""
    state = torch.load(path, map_location="cpu")
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    if ema is not None:
        ema.load_state_dict(state["ema"])
    return int(state["step"]), int(state["seen"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=34.0, help="time box (a cap with --steps)")
    ap.add_argument("--steps", type=int, default=0, help="a fixed number of steps (0: the --minutes time box sets it)")
    ap.add_argument("--width", type=float, default=1.0, help="channel multiplier (1: the 396 k-parameter reader)")
    ap.add_argument(
        "--resume",
        action="store_true",
        help="continue the run's own checkpoint (--run/resume.pt): weights, optimizer, averaged weights, step count; "
        "the samples drawn after it are new ones (the generator is reseeded)",
    )
    ap.add_argument(
        "--colour",
        action="store_true",
        help="read the crop in RGB; from a grey --init, the first convolution starts as that reader's grey",
    )
    ap.add_argument(
        "--colour-shuffle", type=float, default=0.0, help="with --colour: share of samples with R, G, B reordered"
    )
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--real-share", type=float, default=0.3)
    ap.add_argument("--photo-share", type=float, default=0.1)
    ap.add_argument("--init", type=Path, help="checkpoint (.pt) or exported reader (.onnx) to continue from")
    ap.add_argument("--freeze-bn", action="store_true", help="keep BatchNorm statistics and affine fixed")
    ap.add_argument("--pasted-share", type=float, default=0.0, help="real US crops pasted at photo scale")
    ap.add_argument(
        "--distant-share", type=float, default=0.0, help="plates far off, 45-130 px in a 1280-px frame (first)"
    )
    ap.add_argument(
        "--distant-widths",
        type=float,
        nargs=2,
        default=DISTANT_WIDTHS,
        metavar=("MIN", "MAX"),
        help="the plate widths of --distant-share, px of a 1280-px frame (log-uniform)",
    )
    ap.add_argument(
        "--template-share",
        type=float,
        default=0.0,
        help="of the synthetic plates: drawn on a real blank US state design (us-plate-templates)",
    )
    ap.add_argument("--det-boxes", type=Path, help="training/detector_boxes.py output: crops the pipeline cuts")
    ap.add_argument("--det-crops", type=Path, help="training/detector_crops.py output: a detector's cuts of US plates")
    ap.add_argument("--det-crops-share", type=float, default=0.0, help="share of samples from --det-crops")
    ap.add_argument("--real-damage", type=float, default=0.5, help="augmentation strength on real US crops")
    ap.add_argument("--ema", type=float, default=0.0, help="export an exponential moving average of the weights")
    ap.add_argument("--side-marks", type=float, default=plates.SIDE_MARK_SHARE, help="share of US synthetic plates")
    ap.add_argument(
        "--mixed-ends", type=float, default=plates.MIXED_END_SHARE, help="share of plates with one end in another face"
    )
    ap.add_argument(
        "--small-numbers", type=float, default=plates.SMALL_NUMBER_SHARE, help="share of US plates with a small number"
    )
    ap.add_argument(
        "--emblem-ink", type=float, default=plates.EMBLEM_INK_SHARE, help="share of emblems in the number's own ink"
    )
    ap.add_argument("--monitor-minutes", type=float, default=5.0, help="log val and canary scores this often")
    ap.add_argument(
        "--workers", type=int, default=0, help="processes drawing the samples while the model trains (0: this one)"
    )
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="where the model trains")
    ap.add_argument("--out", type=Path, default=common.MODELS / "reader.onnx")
    ap.add_argument("--run", type=Path, default=common.RUNS / "reader")
    args = ap.parse_args()
    common.setup(args.seed)
    device = common.pick_device(args.device)
    args.run.mkdir(parents=True, exist_ok=True)
    model = Reader(args.width)
    if args.init and args.init.suffix == ".onnx":
        model = Reader(args.width, channels=ReaderSpec.load(args.init).channels)
        common.load_onnx_weights(model, args.init)
    elif args.init:
        state = torch.load(args.init, map_location="cpu")
        model = Reader(args.width, channels=int(state[FIRST_CONV].shape[1]))
        model.load_state_dict(state)
    if args.colour and model.channels == 1:
        model = colour_from_grey(model)
    if args.freeze_bn:
        common.freeze_batchnorm(model)
    model.to(device)
    common.train_mode(model)
    log.info("reader parameters: %d, on %s", sum(p.numel() for p in model.parameters()), device)
    recipe = BatchRecipe(
        args.seed, args.batch, args.real_share, args.photo_share, args.det_boxes, args.pasted_share, args.det_crops,
        args.det_crops_share, args.real_damage, args.side_marks, args.mixed_ends, args.distant_share,
        tuple(args.distant_widths), args.template_share, model.channels, args.colour_shuffle, args.small_numbers,
        args.emblem_ink,
    )  # fmt: skip
    val = load_us_crops("val")
    val_set = [s.image for s in val], [s.plate for s in val]
    drawn = canary.plates()
    drawn_set = [p for p, _ in drawn], [t for _, t in drawn]
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(args.ema), use_buffers=True) if args.ema else None
    step, seen, losses = 0, 0, []
    checkpoint = args.run / "resume.pt"
    if args.resume:
        step, seen = resume(checkpoint, model, opt, ema)
        log.info("resumed %s at step %d (%d samples)", checkpoint, step, seen)
        recipe = dataclasses.replace(recipe, seed=recipe.seed + 7919 * step)
    data = batches(recipe, args.workers)
    budget = args.minutes * 60
    start = last_eval = time.time()
    first = step
    while (elapsed := time.time() - start) < budget and (not args.steps or step < args.steps):
        progress = step / args.steps if args.steps else elapsed / budget
        for g in opt.param_groups:
            g["lr"] = common.lr_at(progress, args.lr)
        x, targets, lengths = (t.to(device, non_blocking=True) for t in next(data))
        logp = model(x)
        inp_len = torch.full((x.shape[0],), logp.shape[1], dtype=torch.long)
        loss = ctc(logp.permute(1, 0, 2), targets, inp_len, lengths)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if ema is not None:
            ema.update_parameters(model)
        losses.append(float(loss.detach()))
        step += 1
        seen += x.shape[0]
        if step % 50 == 0:
            rate = (step - first) * x.shape[0] / elapsed
            log.info("step %d seen %d loss %.3f %.0f samples/s", step, seen, np.mean(losses[-50:]), rate)
        if time.time() - last_eval > args.monitor_minutes * 60:
            last_eval = time.time()
            log.info("%s", monitor(ema.module if ema is not None else model, val_set, drawn_set))
            torch.save({k: v.cpu() for k, v in model.state_dict().items()}, args.run / "last.pt")
            save_resume(checkpoint, model, opt, ema, step, seen)
    save_resume(checkpoint, model, opt, ema, step, seen)
    if args.steps and step < args.steps:
        log.info("stopped at step %d of %d: continue with --resume", step, args.steps)
    if ema is not None:  # the averaged weights are the ones exported (and continued from)
        model.load_state_dict(ema.module.state_dict())
    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, args.run / "last.pt")
    log.info("final (greedy) %s", monitor(model, val_set, drawn_set))
    export(model, args.out)
    log.info("exported %s after %d steps, %d samples, %.1f min", args.out, step, seen, (time.time() - start) / 60)


if __name__ == "__main__":
    main()
