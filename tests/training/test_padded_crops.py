"""The padded crops check: the margin's size and content, with literal inputs."""

from __future__ import annotations

import numpy as np
import pytest
from training.padded_crops import pad_crop


def test_the_margin_is_a_share_of_the_height_and_half_of_it_of_the_width() -> None:
    image = np.zeros((50, 100, 3), np.uint8)
    image[:, :, 0] = np.arange(100, dtype=np.uint8)  # a ramp left to right
    padded = pad_crop(image, 0.3)
    assert padded.shape == (50 + 2 * 15, 100 + 2 * 15, 3)
    assert (padded[15:65, 15:115] == image).all()
    assert (padded[:, :15, 0] == 0).all() and (padded[:, -15:, 0] == 99).all()  # edge pixels repeated


def test_no_margin_leaves_the_crop_and_a_negative_one_is_refused() -> None:
    image = np.ones((20, 40, 3), np.uint8)
    assert pad_crop(image, 0.0) is image
    with pytest.raises(ValueError, match="margin share"):
        pad_crop(image, -0.1)
