"""Pack what reader training reads into one folder small enough to carry to a lent GPU machine (the device tool
sends the repository and at most 64 MiB): the US crops' *train* rows, the EU/BR *train* photos cut around their
plates (labels and detector boxes moved with the cut), the first 120 plate-free scenes, the synthetic plates' fonts
and the one wheel the GPU machine's image lacks. Pixels are kept exactly (lossless WebP); no val image is packed.

    PYTHONPATH=src:. .venv/bin/python -m training.device_kit       # → device-kit/ (git-ignored)
    scripts/device_train_reader.sh                                 # there, with carry: ["device-kit"]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from training.data import DATASETS, REPO, load_photos
from training.synth import fonts

KIT = REPO / "device-kit"
LIMIT_BYTES = 64 * 2**20
"""What the device tool carries: the repository's tracked files and the kit together."""
PHOTO_SETS = ("openalpr-eu-endtoend", "openalpr-br-endtoend")
CONTEXT = (0.5, 1.0)
"""Kept around a photo's plate (label and detector box together), in box widths left and right and box heights above
and below: the reader's photo crops reach 10 % of the width and 16 % of the height beyond their box."""
NEGATIVES = 120
"""The plate-free scenes the reader takes as backgrounds (`load_folder_images("negatives", limit=120)`)."""
WHEELS = ("pynmeagps==1.1.8",)
"""Imported by the canary plates' drawing (`platewatch.unit.demo`) and missing from the GPU machine's image."""


def lossless(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".webp", image, [cv2.IMWRITE_WEBP_QUALITY, 101])  # above 100: lossless
    if not ok:
        raise RuntimeError("OpenCV could not encode WebP")
    return data.tobytes()


def region(box: tuple[float, float, float, float], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """x1, y1, x2, y2 of the photo kept around `box` (x1 y1 x2 y2), inside the photo."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    return (
        max(0, int(np.floor(x1 - CONTEXT[0] * w))),
        max(0, int(np.floor(y1 - CONTEXT[1] * h))),
        min(shape[1], int(np.ceil(x2 + CONTEXT[0] * w))),
        min(shape[0], int(np.ceil(y2 + CONTEXT[1] * h))),
    )


def pack_us_crops(out: Path, limit: int | None) -> int:
    src = DATASETS / "openalpr-us-plate-crops"
    dst = out / "datasets" / src.name
    (dst / "crops").mkdir(parents=True)
    with (src / "labels.csv").open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("split", "train") == "train"][:limit]
    kept = []
    for row in rows:
        image = cv2.imread(str(src / row["file"]), cv2.IMREAD_COLOR)
        if image is None:
            continue
        name = f"crops/{Path(row['file']).stem}.webp"
        (dst / name).write_bytes(lossless(image))
        kept.append({**row, "file": name})
    _write_labels(dst / "labels.csv", ["file", "state", "plate", "split"], kept)
    return len(kept)


def pack_photos(out: Path, det_boxes: dict[str, list[float]], limit: int | None) -> dict[str, list[float]]:
    """Each set's train photos cut around their plate; returns the detector boxes in the cut photos' coordinates."""
    moved: dict[str, list[float]] = {}
    for name in PHOTO_SETS:
        dst = out / "datasets" / name
        (dst / "images").mkdir(parents=True)
        rows = []
        for i, sample in enumerate(load_photos(name, "train")[:limit]):
            x, y, w, h = sample.box
            label = (float(x), float(y), float(x + w), float(y + h))
            det = det_boxes.get(f"{name}/{i}")
            both = label if det is None else (
                min(label[0], det[0]), min(label[1], det[1]), max(label[2], det[2]), max(label[3], det[3])
            )  # fmt: skip
            rx1, ry1, rx2, ry2 = region(both, sample.image.shape)
            file = f"images/{i:04d}.webp"
            (dst / file).write_bytes(lossless(sample.image[ry1:ry2, rx1:rx2]))
            rows.append({"file": file, "x": x - rx1, "y": y - ry1, "w": w, "h": h, "plate": sample.plate})
            if det is not None:
                moved[f"{name}/{i}"] = [det[0] - rx1, det[1] - ry1, det[2] - rx1, det[3] - ry1]
        _write_labels(dst / "labels.csv", ["file", "x", "y", "w", "h", "plate"], rows)
    return moved


def pack_negatives(out: Path) -> int:
    src = DATASETS / "openalpr-detector-crops" / "negatives"
    dst = out / "datasets" / "openalpr-detector-crops" / "negatives"
    dst.mkdir(parents=True)
    files = sorted(src.glob("*"))[:NEGATIVES]  # the order `load_folder_images` takes them in
    for f in files:
        shutil.copy2(f, dst / f.name)
    return len(files)


def pack_fonts(out: Path) -> int:
    faces = sorted(set(fonts.PLATE_FONTS + fonts.OTHER_FACES + fonts.TEXT_FONTS))
    missing = [f for f in faces if not Path(f).is_file()]
    if missing:
        raise SystemExit(f"fonts missing here: {', '.join(missing)} (scripts/apt_deps.sh installs them)")
    for face in faces:
        target = out / "fonts" / Path(face).relative_to(fonts.FONT_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(face, target)
    return len(faces)


def pack_wheels(out: Path) -> None:
    folder = out / "wheels"
    folder.mkdir()
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", str(folder)]
    done = subprocess.run([*pip, *WHEELS], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pip could not download {', '.join(WHEELS)}: {done.stderr.strip()[-300:]}")


def _write_labels(path: Path, fields: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def tracked_bytes() -> int:
    """The repository's tracked files, which travel with the kit."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    return sum((REPO / f.decode()).stat().st_size for f in files if f and (REPO / f.decode()).is_file())


def build(out: Path, det_boxes: Path | None, limit: int | None = None, wheels: bool = True) -> dict[str, int]:
    """Write the kit to `out` (replaced); returns what it holds."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cached = json.loads(det_boxes.read_text()) if det_boxes is not None else {}
    moved = pack_photos(out, cached, limit)
    (out / "detector_boxes.json").write_text(json.dumps(moved))
    if wheels:
        pack_wheels(out)
    held = {
        "us_crops": pack_us_crops(out, limit),
        "photos": sum(1 for _ in (out / "datasets").glob("openalpr-*-endtoend/images/*")),
        "detector_boxes": len(moved),
        "negatives": pack_negatives(out),
        "fonts": pack_fonts(out),
    }
    held["bytes"] = folder_bytes(out)
    (out / "MANIFEST.json").write_text(json.dumps(held, indent=1) + "\n")
    return held


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=KIT)
    ap.add_argument(
        "--det-boxes",
        type=Path,
        default=REPO / "training" / "cache" / "detector_boxes.json",
        help="training/detector_boxes.py output (run it first: the reader's photo crops cut half from these boxes)",
    )
    args = ap.parse_args()
    if not args.det_boxes.is_file():
        raise SystemExit(f"{args.det_boxes} not found: run `python -m training.detector_boxes` first")
    held = build(args.out, args.det_boxes)
    total = held["bytes"] + tracked_bytes()
    print(json.dumps(held), f"kit {held['bytes'] / 2**20:.1f} MiB, with the repository {total / 2**20:.1f} MiB")
    if total > LIMIT_BYTES:
        raise SystemExit(f"over the device tool's {LIMIT_BYTES // 2**20} MiB: pack less")


if __name__ == "__main__":
    main()
