"""Real labelled data from ../shared/datasets (or the folder in PLATEWATCH_DATASETS: a copy carried to another
machine): US crops, EU/BR photos with boxes, detector crops."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("PLATEWATCH_DATASETS", REPO / "../shared/datasets")).resolve()


@dataclass(frozen=True)
class CropSample:
    image: np.ndarray  # BGR uint8 tight plate crop
    plate: str
    state: str


@dataclass(frozen=True)
class PhotoSample:
    image: np.ndarray  # BGR uint8 photo
    box: tuple[int, int, int, int]  # x, y, w, h
    plate: str


def _rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "labels.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def _split(folder: Path, split: str) -> Iterator[tuple[dict[str, str], np.ndarray]]:
    """(label row, BGR image) of every readable image of `split` in `folder`."""
    for row in _rows(folder):
        if row.get("split", "train") != split:
            continue
        img = cv2.imread(str(folder / row["file"]), cv2.IMREAD_COLOR)
        if img is not None:
            yield row, img


def load_us_crops(split: str, root: Path = DATASETS) -> list[CropSample]:
    return [
        CropSample(img, row["plate"].upper(), row["state"].upper())
        for row, img in _split(root / "openalpr-us-plate-crops", split)
    ]


def load_photos(name: str, split: str, root: Path = DATASETS) -> list[PhotoSample]:
    return [
        PhotoSample(img, (int(row["x"]), int(row["y"]), int(row["w"]), int(row["h"])), row["plate"].upper())
        for row, img in _split(root / name, split)
    ]


def load_folder_images(sub: str, root: Path = DATASETS, limit: int | None = None) -> list[np.ndarray]:
    folder = root / "openalpr-detector-crops" / sub
    files = sorted(folder.glob("*"))[:limit]
    imgs = [cv2.imread(str(f), cv2.IMREAD_COLOR) for f in files]
    return [i for i in imgs if i is not None]
