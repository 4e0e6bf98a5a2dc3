"""Cache the shipped detector's boxes on the EU/BR training photos, so the reader can train on the crops
the pipeline will really cut (best-IoU detection per photo; the label box when nothing overlaps)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from platewatch.engine.detector import PlateDetector
from platewatch.engine.models import DETECTOR
from platewatch.engine.postprocess import iou
from training.data import load_photos

CACHE = Path(__file__).resolve().parent / "cache" / "detector_boxes.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=CACHE)
    ap.add_argument("--detector", type=Path, default=DETECTOR, help="a detector .onnx other than the shipped one")
    args = ap.parse_args()
    det = PlateDetector(args.detector)
    out: dict[str, list[float]] = {}
    for name in ("openalpr-eu-endtoend", "openalpr-br-endtoend"):
        for i, s in enumerate(load_photos(name, "train")):
            x, y, w, h = s.box
            label = (float(x), float(y), float(x + w), float(y + h))
            best = max(det.detect(s.image), key=lambda d: iou(d.box, label), default=None)
            if best is not None and iou(best.box, label) >= 0.5:
                out[f"{name}/{i}"] = list(best.box)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out))
    print(f"{len(out)} detector boxes written to {args.out}")


if __name__ == "__main__":
    main()
