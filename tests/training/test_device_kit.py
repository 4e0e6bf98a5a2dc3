"""The kit carried to a GPU machine gives reader training the same pixels as the shared datasets: the US crops, the
photos' plate crops cut from the label or the detector's box, the backgrounds and the fonts; and no val image."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from training.data import DATASETS, load_folder_images, load_photos, load_us_crops
from training.samples import photo_crop
from training.synth import fonts

from training import device_kit

pytestmark = pytest.mark.skipif(not DATASETS.is_dir(), reason=f"the shared datasets are not here ({DATASETS})")
ROWS = 6


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kit") / "device-kit"
    boxes: dict[str, list[float]] = {}
    for name in device_kit.PHOTO_SETS:  # detector-like boxes: the label's, moved and grown a little
        for i, s in enumerate(load_photos(name, "train")[:ROWS]):
            x, y, w, h = s.box
            boxes[f"{name}/{i}"] = [x - 0.13 * w, y + 0.21 * h, x + 1.17 * w, y + 1.09 * h]
    cache = out.parent / "boxes.json"
    cache.write_text(json.dumps(boxes))
    held = device_kit.build(out, cache, limit=ROWS, wheels=False)
    assert held["us_crops"] == ROWS and held["photos"] == 2 * ROWS and held["detector_boxes"] == 2 * ROWS
    return out


def test_the_us_crops_are_the_train_rows_pixel_for_pixel(kit: Path) -> None:
    packed = load_us_crops("train", root=kit / "datasets")
    for original, copy in zip(load_us_crops("train")[:ROWS], packed, strict=True):
        assert (copy.plate, copy.state) == (original.plate, original.state)
        assert np.array_equal(copy.image, original.image)
    assert load_us_crops("val", root=kit / "datasets") == []  # val stays here


def test_a_photo_cut_around_its_plate_gives_the_reader_the_same_crops(kit: Path) -> None:
    moved = json.loads((kit / "detector_boxes.json").read_text())
    boxes = json.loads((kit.parent / "boxes.json").read_text())
    pixels = [0, 0]  # the originals', the copies'
    for name in device_kit.PHOTO_SETS:
        originals, copies = load_photos(name, "train")[:ROWS], load_photos(name, "train", root=kit / "datasets")
        assert len(copies) == ROWS
        for i, (original, copy) in enumerate(zip(originals, copies, strict=True)):
            assert copy.plate == original.plate and copy.box[2:] == original.box[2:]
            pixels[0] += original.image.size
            pixels[1] += copy.image.size
            key = f"{name}/{i}"
            for seed in range(5):
                for box, box_in_copy in ((None, None), (boxes[key], moved[key])):
                    want = photo_crop(original, np.random.default_rng(seed), box)
                    got = photo_crop(copy, np.random.default_rng(seed), box_in_copy)
                    assert np.array_equal(got, want), (key, seed, box)
    assert pixels[1] < pixels[0] / 3  # the point of cutting


def test_the_backgrounds_and_fonts_are_the_ones_training_reads(kit: Path) -> None:
    packed = load_folder_images("negatives", root=kit / "datasets")
    assert len(packed) == device_kit.NEGATIVES
    for original, copy in zip(load_folder_images("negatives", limit=3), packed[:3], strict=True):
        assert np.array_equal(original, copy)
    for face in fonts.PLATE_FONTS + fonts.OTHER_FACES + fonts.TEXT_FONTS:
        copy = kit / "fonts" / Path(face).relative_to(fonts.FONT_ROOT)
        assert copy.read_bytes() == Path(face).read_bytes(), face


def test_lossless_really_is(kit: Path) -> None:
    image = np.random.default_rng(3).integers(0, 256, (37, 91, 3), dtype=np.uint8)
    decoded = cv2.imdecode(np.frombuffer(device_kit.lossless(image), np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(decoded, image)
