"""Input preparation on hand-built frames."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from platewatch.engine.preprocess import (
    PAD_VALUE,
    colour_batch,
    crop,
    detector_input,
    expand_box,
    nchw_rgb,
    reader_batch,
    shrink,
)


def test_detector_input_scales_long_side_and_pads() -> None:
    frame = np.zeros((720, 1280, 3), np.uint8)
    frame[:, :, 2] = 255  # red in BGR
    tensor, scale = detector_input(frame, 640)
    assert scale == 0.5
    assert tensor.shape == (1, 3, 384, 640)  # 360 padded up to a multiple of 32
    assert tensor.dtype == np.float32
    assert tensor[0, 0, 0, 0] == 1.0 and tensor[0, 2, 0, 0] == 0.0  # RGB order
    assert np.allclose(tensor[0, :, 370, 10], PAD_VALUE / 255.0)


def test_detector_input_caps_the_area_of_square_frames() -> None:
    square = np.zeros((1280, 1280, 3), np.uint8)
    tensor, scale = detector_input(square, 640, 32, max_pixels=640 * 480)
    assert tensor.shape == (1, 3, 544, 544)  # padded input within 640×480 pixels, a multiple of 32
    assert scale == pytest.approx(544 / 1280, abs=0.01)
    wide = np.zeros((720, 1280, 3), np.uint8)
    assert detector_input(wide, 640, 32, max_pixels=640 * 480)[1] == 0.5  # 640×384: under the cap
    four_three = np.zeros((960, 1280, 3), np.uint8)
    assert detector_input(four_three, 640, 32, max_pixels=640 * 480)[0].shape == (1, 3, 480, 640)
    tiny = np.zeros((20, 20, 3), np.uint8)
    assert detector_input(tiny, 640, 32, max_pixels=640 * 480)[0].shape[2:] == (544, 544)


def test_shrink_by_exactly_two_gives_the_area_resize_pixels() -> None:
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    assert np.array_equal(shrink(frame, 640, 360), cv2.resize(frame, (640, 360), interpolation=cv2.INTER_AREA))


def test_shrink_averages_blocks_then_interpolates_the_rest() -> None:
    # 1281×1283 to 544×544: 2×2 blocks (the odd last row and column dropped), then 640→544 linearly.
    frame = np.zeros((1283, 1281, 3), np.uint8)
    frame[:, ::2] = 200  # one-pixel stripes: averaging first gives an even grey, aliasing would not
    out = shrink(frame, 544, 544)
    assert out.shape == (544, 544, 3)
    assert np.all(np.abs(out.astype(int) - 100) <= 1)


def test_shrink_by_less_than_two_and_upscaling() -> None:
    frame = np.random.default_rng(1).integers(0, 256, (400, 600, 3), dtype=np.uint8)
    assert np.array_equal(shrink(frame, 450, 300), cv2.resize(frame, (450, 300), interpolation=cv2.INTER_AREA))
    assert np.array_equal(shrink(frame, 1200, 800), cv2.resize(frame, (1200, 800), interpolation=cv2.INTER_LINEAR))
    assert np.array_equal(shrink(frame, 600, 400), frame)


def test_the_detector_tensor_is_opencvs_blob() -> None:
    # `nchw_rgb` replaced `cv2.dnn.blobFromImage` for speed: the same values, RGB, 0..1, C-contiguous.
    image = np.random.default_rng(2).integers(0, 256, (37, 53, 3), dtype=np.uint8)
    tensor = nchw_rgb(image)
    assert tensor.dtype == np.float32 and tensor.flags.c_contiguous
    assert np.array_equal(tensor, cv2.dnn.blobFromImage(image, 1 / 255.0, swapRB=True))


def test_expand_box_grows_and_clips() -> None:
    assert expand_box((10, 10, 110, 60), (0.1, 0.2), 1000, 1000) == (0, 0, 120, 70)
    assert expand_box((990, 5, 1010, 15), (0.0, 0.0), 1000, 100) == (990, 5, 1000, 15)


def test_crop_is_never_empty() -> None:
    frame = np.zeros((50, 50, 3), np.uint8)
    assert crop(frame, (20.2, 20.2, 20.3, 20.3)).shape[:2] == (1, 1)


def test_reader_and_colour_batches() -> None:
    grey = np.full((30, 90), 255, np.uint8)
    bgr = np.zeros((40, 80, 3), np.uint8)
    bgr[..., 0] = 255  # blue
    batch = reader_batch([grey, bgr], 64, 128)
    assert batch.shape == (2, 1, 64, 128)
    assert batch[0].min() == 1.0 and batch[1].max() < 0.2
    col = colour_batch([bgr], 64, 128)
    assert col.shape == (1, 3, 64, 128)
    assert col[0, 2].min() == 1.0 and col[0, 0].max() == 0.0  # blue lands in the B (last RGB) channel
