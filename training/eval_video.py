"""A stand-in for a patrol car's camera: each *val* US crop approaches the camera over a short clip of
1280×720 frames (growing, moving, its perspective changing), and the pipeline plus the unit's tracker read
it. Reports each frame read alone, the most confident single frame, and the pass voted across the frames.
Seeded.

One condition per clip (the crop's own damage: glare, shadow, dirt, exposure, blur), as a real plate keeps
its look from frame to frame; per frame only the geometry, sensor noise, a little motion blur and video
compression change. So frames err together, as they do on a real camera, and voting is not flattered by
independent errors.

The tracker's settings (`TrackerConfig`) were chosen on clips of the *train* crops (`--split train`), never
on these.
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np

from platewatch.engine.postprocess import iou
from platewatch.unit.tracker import PlateTracker, TrackerConfig, VehiclePass
from training.candidate_models import add_model_options, pipeline_from
from training.data import load_folder_images, load_us_crops
from training.synth import augment


def clip(plate: np.ndarray, scene: np.ndarray, frames: int, rng: np.random.Generator) -> list[tuple[np.ndarray, tuple]]:
    """`frames` frames of `plate` approaching over `scene`, each with the plate's box."""
    look = augment.damage(plate, rng, 0.5)
    ph, pw = look.shape[:2]
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
        if rng.random() < 0.3:
            frame = augment.motion_blur(frame, rng)
        frame = np.clip(frame + rng.normal(0, rng.uniform(2, 6), frame.shape), 0, 255).astype(np.uint8)
        ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(50, 90))])
        frame = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else frame
        (qx0, qy0), (qx1, qy1) = quad.min(axis=0), quad.max(axis=0)
        out.append((frame, (float(qx0), float(qy0), float(qx1), float(qy1))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=317)
    ap.add_argument("--frames", type=int, default=8, help="frames per clip")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", default="val", help="val (report) or train (where the tracker's settings were chosen)")
    add_model_options(ap)
    args = ap.parse_args()
    pipeline = pipeline_from(args)
    rng = np.random.default_rng(args.seed)
    val, negatives = load_us_crops(args.split)[: args.count], load_folder_images("negatives")
    frame_total = frame_exact = best_exact = voted_exact = found = split = extra = 0
    ms: list[float] = []
    for s in val:
        scene = cv2.resize(negatives[int(rng.integers(len(negatives)))], (1280, 720))
        tracker = PlateTracker(TrackerConfig())
        passes: list[VehiclePass] = []
        boxes = {}
        best: tuple[float, str] | None = None
        for k, (frame, box) in enumerate(clip(s.image, scene, args.frames, rng)):
            boxes[k] = box
            t0 = time.perf_counter()
            reads = pipeline.run(frame)
            ms.append((time.perf_counter() - t0) * 1000)
            passes += tracker.update(k, k * 100.0, reads)
            frame_total += 1
            match = max(reads, key=lambda r: iou(r.box, box), default=None)
            if match is not None and iou(match.box, box) >= 0.3:
                frame_exact += match.text == s.plate
                if best is None or match.confidence > best[0]:
                    best = (match.confidence, match.text)
        passes += tracker.flush()
        on_plate = [p for p in passes if any(iou(f.read.box, boxes[f.frame]) >= 0.3 for f in p.frames)]
        extra += len(passes) - len(on_plate)
        if on_plate:
            found += 1
            split += len(on_plate) > 1
            main_pass = max(on_plate, key=lambda p: len(p.frames))
            voted_exact += main_pass.text == s.plate
        best_exact += best is not None and best[1] == s.plate
    n = len(val)
    print(f"US {args.split} crops approaching the camera, {args.frames} frames of 1280×720 each: {n} clips")
    print(f"  each frame alone: exact {frame_exact / frame_total:.1%} of {frame_total} frames")
    print(f"  the most confident frame of each clip: exact {best_exact / n:.1%}")
    print(f"  the pass voted across its frames: exact {voted_exact / n:.1%}")
    print(f"  plates with a pass {found / n:.1%}; split into two or more passes {split}; passes off the plate {extra}")
    print(f"  pipeline ms per frame, one thread: median {np.median(ms):.1f}")


if __name__ == "__main__":
    main()
