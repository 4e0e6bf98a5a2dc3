"""A stand-in for a patrol car's camera: each *val* US crop approaches the camera over a short clip of
1280×720 frames (growing, moving, its perspective changing), and the pipeline plus the unit's tracker read
it. Reports each frame read alone, the most confident single frame, and the pass voted across the frames.
Seeded.

One condition per clip (the crop's own damage: glare, shadow, dirt, exposure, blur), as a real plate keeps
its look from frame to frame; per frame only the geometry, sensor noise, a little motion blur and video
compression change. So frames err together, as they do on a real camera, and voting is not flattered by
independent errors.

Variants: `--far` is an approach from afar (the plate grows from 0.6× to 1.0× of a final width of 4–17 % of
the frame, a small pan: issue 21's clips, with `--frames 16 --fps 15`); `--as-photographed` adds no condition to
the crop, which already carries its photo's own (as issue 21's clips, made from whole photos, add none: the damaged
clips are the harder stand-in and stay the one reported first); `--stamp` burns a dash camera's date
and time into every frame; `--hide N` loses the plate's reads for N frames in the middle of each clip (a
passing pole, a missed detection); `--queue N` puts the clips in pairs in one stream, the second car's plate
appearing where the first car's plate was last seen, as large, N frames after it (the worst case for telling
two cars apart).

The pipeline's reads can be kept in a file (`--reads`), so that the tracker's settings are replayed on the
same reads in seconds. The tracker's settings (`TrackerConfig`) were chosen on clips of the *train* crops
(`--split train`), never on these.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import time
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from platewatch.engine.postprocess import iou
from platewatch.engine.types import Box, PlateRead
from platewatch.unit.tracker import PlateTracker, TrackerConfig, VehiclePass
from training.candidate_models import add_model_options, pipeline_from
from training.data import load_folder_images, load_us_crops
from training.synth import augment

STAMP = "2014-05-13 17:42:{:02d}"


@dataclass(frozen=True)
class ClipReads:
    """One clip: the plate, its box in each frame, and the pipeline's reads of each frame."""

    plate: str
    boxes: tuple[Box, ...]
    reads: tuple[tuple[PlateRead, ...], ...]
    ms: tuple[float, ...]


def clip(
    plate: np.ndarray,
    scene: np.ndarray,
    frames: int,
    rng: np.random.Generator,
    far: bool = False,
    stamp: bool = False,
    as_photographed: bool = False,
) -> list[tuple[np.ndarray, Box]]:
    """`frames` frames of `plate` approaching over `scene`, each with the plate's box; `as_photographed` keeps the
    crop's own look (its condition is still drawn, so the clips' geometry and frames stay those of the damaged run)."""
    damaged = augment.damage(plate, rng, 0.5)
    look = plate if as_photographed else damaged
    ph, pw = look.shape[:2]
    if far:
        w1 = float(np.exp(rng.uniform(np.log(50), np.log(220))))
        w0 = 0.6 * w1
        x0, y0 = rng.uniform(300, 980), rng.uniform(300, 550)
        x1, y1 = x0 + rng.uniform(-60, 60), y0 + rng.uniform(10, 60)
    else:
        w0, w1 = rng.uniform(50, 90), rng.uniform(150, 240)
        x0, y0 = rng.uniform(300, 980), rng.uniform(250, 400)
        x1, y1 = x0 + rng.uniform(-250, 250), y0 + rng.uniform(120, 250)
    out = []
    for k in range(frames):
        t = k / max(1, frames - 1)
        width = w0 * (w1 / w0) ** t
        quad = augment.random_quad(width, width * ph / pw, rng, 0.03)
        quad += np.array([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t], np.float32) - quad.mean(axis=0)
        frame = scene.copy()
        augment.paste_quad(frame, look, quad)
        if stamp:
            text = STAMP.format(k % 60)
            cv2.putText(frame, text, (880, 700), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (0, 0, 0), 4, cv2.LINE_AA)
            cv2.putText(frame, text, (880, 700), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (255, 255, 255), 2, cv2.LINE_AA)
        if rng.random() < 0.3:
            frame = augment.motion_blur(frame, rng)
        frame = np.clip(frame + rng.normal(0, rng.uniform(2, 6), frame.shape), 0, 255).astype(np.uint8)
        ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(50, 90))])
        frame = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else frame
        (qx0, qy0), (qx1, qy1) = quad.min(axis=0), quad.max(axis=0)
        out.append((frame, (float(qx0), float(qy0), float(qx1), float(qy1))))
    return out


def read_clips(args: argparse.Namespace) -> list[ClipReads]:
    """The pipeline's reads of every clip, from `--reads` when it holds these clips' reads by these models (the
    pipeline's code is not compared: read again after changing it)."""
    models = [f for m in (args.reader, args.state, args.detector, args.rectifier) for f in (m, m.with_suffix(".json"))]
    models = [m for m in models if m.is_file()]
    key = (args.split, args.count, args.frames, args.seed, args.far, args.stamp, args.one_crop, args.keep_found_above)
    key += ("as photographed",) if args.as_photographed else ()  # the damaged clips keep their saved reads
    key += tuple(hashlib.sha256(m.read_bytes()).hexdigest()[:16] for m in models)
    path: Path | None = args.reads
    if path is not None and path.exists():
        saved_key, saved = pickle.loads(path.read_bytes())
        if saved_key == key:
            return [ClipReads(*c) for c in saved]
        print(f"{path} holds other clips' reads: reading again")
    pipeline = pipeline_from(args)
    rng = np.random.default_rng(args.seed)
    samples, negatives = load_us_crops(args.split)[: args.count], load_folder_images("negatives")
    clips = []
    for s in samples:
        scene = cv2.resize(negatives[int(rng.integers(len(negatives)))], (1280, 720))
        boxes, reads, ms = [], [], []
        for frame, box in clip(s.image, scene, args.frames, rng, args.far, args.stamp, args.as_photographed):
            t0 = time.perf_counter()
            reads.append(tuple(pipeline.run(frame)))
            ms.append((time.perf_counter() - t0) * 1000)
            boxes.append(box)
        clips.append(ClipReads(s.plate, tuple(boxes), tuple(reads), tuple(ms)))
    if path is not None:
        path.write_bytes(pickle.dumps((key, [(c.plate, c.boxes, c.reads, c.ms) for c in clips])))
    return clips


def _scaled(box: Box, scale: float, shift: tuple[float, float]) -> Box:
    return (box[0] * scale + shift[0], box[1] * scale + shift[1], box[2] * scale + shift[0], box[3] * scale + shift[1])


def queued(clips: list[ClipReads]) -> list[ClipReads]:
    """The clips in pairs, each pair's second clip moved and scaled so that its plate's first box lies on the
    last box of the first clip's plate."""
    out = []
    for i, c in enumerate(clips):
        if i % 2 == 0:
            out.append(c)
            continue
        last, first = out[-1].boxes[-1], c.boxes[0]
        scale = (last[2] - last[0]) / (first[2] - first[0])
        shift = (
            (last[0] + last[2] - (first[0] + first[2]) * scale) / 2,
            (last[1] + last[3] - (first[1] + first[3]) * scale) / 2,
        )
        out.append(
            ClipReads(
                c.plate,
                tuple(_scaled(b, scale, shift) for b in c.boxes),
                tuple(tuple(replace(r, box=_scaled(r.box, scale, shift)) for r in frame) for frame in c.reads),
                c.ms,
            )
        )
    return out


@dataclass(frozen=True)
class PassFigures:
    voted_exact: int
    found: int
    passes_on_plates: int
    split: int
    merged: int
    off_plate: tuple[str, ...]


def replay(clips: list[ClipReads], config: TrackerConfig, fps: float, hide: int, queue: int) -> PassFigures:
    """The tracker over the clips' reads (a stream per pair of clips when `queue`, else per clip); each car's
    passes."""
    frame_ms = 1000.0 / fps
    frames = len(clips[0].boxes)
    hidden = range((frames - hide) // 2, (frames - hide) // 2 + hide)
    if queue:
        clips = queued(clips)
    truth: dict[int, tuple[int, Box]] = {}
    passes: list[VehiclePass] = []
    tracker = PlateTracker(config)
    at = 0
    for car, c in enumerate(clips):
        if not queue or car % 2 == 0:
            passes += tracker.flush()
            tracker = PlateTracker(config)
        for k, (box, reads) in enumerate(zip(c.boxes, c.reads, strict=True)):
            truth[at] = (car, box)
            shown = [r for r in reads if not (k in hidden and iou(r.box, box) > 0)]
            passes += tracker.update(at, at * frame_ms, shown)
            at += 1
        for _ in range(queue):  # frames without a plate between the two cars
            passes += tracker.update(at, at * frame_ms, [])
            at += 1
    passes += tracker.flush()
    by_car: dict[int, list[VehiclePass]] = {}
    merged = 0
    off: list[str] = []
    for p in passes:
        cars = {truth[f.frame][0] for f in p.frames if iou(f.read.box, truth[f.frame][1]) >= 0.3}
        if not cars:
            off.append(p.text)
        merged += len({clips[car].plate for car in cars}) > 1
        for car in cars:
            by_car.setdefault(car, []).append(p)
    voted = sum(
        max(ps, key=lambda p: sum(truth[f.frame][0] == car for f in p.frames)).text == clips[car].plate
        for car, ps in by_car.items()
    )
    return PassFigures(
        voted_exact=voted,
        found=len(by_car),
        passes_on_plates=sum(len(ps) for ps in by_car.values()),
        split=sum(len(ps) > 1 for ps in by_car.values()),
        merged=merged,
        off_plate=tuple(off),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=317)
    ap.add_argument("--frames", type=int, default=8, help="frames per clip")
    ap.add_argument("--fps", type=float, default=10.0, help="processed frames per second of video time")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", default="val", help="val (report) or train (where the tracker's settings were chosen)")
    ap.add_argument("--far", action="store_true", help="an approach from afar: plates of 4–17 %% of the frame's width")
    ap.add_argument("--stamp", action="store_true", help="burn a date and time into every frame")
    ap.add_argument(
        "--as-photographed",
        action="store_true",
        help="no condition added to the crop (issue 21's clips take their photos as they are)",
    )
    ap.add_argument("--hide", type=int, default=0, help="lose the plate's reads for this many frames mid-clip")
    ap.add_argument(
        "--queue",
        type=int,
        default=0,
        help="cars in pairs, the second this many frames after and where the first left",
    )
    ap.add_argument("--reads", type=Path, help="a file that keeps the pipeline's reads of these clips")
    ap.add_argument("--show", action="store_true", help="list the readings of the passes off the plate")
    add_model_options(ap)
    args = ap.parse_args()
    clips = read_clips(args)
    figures = replay(clips, TrackerConfig(), args.fps, args.hide, args.queue)
    frame_total = frame_exact = best_exact = 0
    for c in clips:
        best: tuple[float, str] | None = None
        for box, reads in zip(c.boxes, c.reads, strict=True):
            frame_total += 1
            match = max(reads, key=lambda r: iou(r.box, box), default=None)
            if match is not None and iou(match.box, box) >= 0.3:
                frame_exact += match.text == c.plate
                if best is None or match.confidence > best[0]:
                    best = (match.confidence, match.text)
        best_exact += best is not None and best[1] == c.plate
    n = len(clips)
    look = "from afar, " if args.far else ""
    print(f"US {args.split} crops approaching the camera {look}{args.frames} frames of 1280×720 each: {n} clips")
    extras = [f"{args.fps:g} frames a second"] + [
        text
        for text, on in (
            ("a date stamp burned in", args.stamp),
            ("the crops as photographed, no condition added", args.as_photographed),
            (f"the plate lost for {args.hide} frames mid-clip", args.hide),
            (f"cars in pairs, the second {args.queue} frames after and where the first left", args.queue),
        )
        if on
    ]
    print(f"  ({'; '.join(extras)})")
    print(f"  each frame alone: exact {frame_exact / frame_total:.1%} of {frame_total} frames")
    print(f"  the most confident frame of each clip: exact {best_exact / n:.1%}")
    print(f"  the pass voted across its frames: exact {figures.voted_exact / n:.1%}")
    print(
        f"  plates with a pass {figures.found / n:.1%}; split into two or more passes {figures.split}; "
        f"passes off the plate {len(figures.off_plate)}"
    )
    per_car = figures.passes_on_plates / max(1, figures.found)
    print(f"  passes per car with a pass {per_car:.3f}; passes holding two cars' different plates {figures.merged}")
    if args.show and figures.off_plate:
        print(f"  off the plate: {' '.join(sorted(figures.off_plate))}")
    print(f"  pipeline ms per frame, one thread: median {np.median([m for c in clips for m in c.ms]):.1f}")


if __name__ == "__main__":
    main()
