"""Real plate crops inside a margin of their own edge pixels: the size cue of the canary (READER-13Z), on real plates.

A reader that takes a glyph small against its crop for a side mark drops end characters once the crop has room
around the plate. The US val crops read inside a margin of `share` of their height above and below (half of
`share` of their width at the sides), by the reader alone, show that on real plates, where the canary's drawn
plates confound it with an unfamiliar face.
"""

from __future__ import annotations

import cv2
import numpy as np

SHARE = 0.3  # READER-13Z's widest margin, the one rule READER-13CN bars


def pad_crop(image: np.ndarray, share: float = SHARE) -> np.ndarray:
    """`image` inside a border that repeats its edge pixels: `share` of its height above and below, half of
    `share` of its width at each side."""
    if share < 0:
        raise ValueError(f"margin share must be ≥ 0, got {share}")
    h, w = image.shape[:2]
    dy, dx = int(h * share), int(w * share / 2)
    if not (dy or dx):
        return image
    return cv2.copyMakeBorder(image, dy, dy, dx, dx, cv2.BORDER_REPLICATE)
