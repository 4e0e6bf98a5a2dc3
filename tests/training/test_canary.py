"""The reader training monitor's canary plates: drawn with margins at both ends, scored with literal inputs."""

from __future__ import annotations

import numpy as np

from training import canary


def test_score_counts_exact_and_too_short_readings() -> None:
    texts = ["AB1234", "AB1234", "AB1234", "12345", "12345"]
    readings = ["AB1234", "B1234", "AB1Z34", "1234", "123456"]
    score = canary.score(readings, texts)
    assert (score.total, score.exact, score.too_short) == (5, 1, 2)
    assert str(score) == "canary exact 1/5, too short 2"


def test_every_text_in_every_face_with_room_at_both_ends() -> None:
    plates = canary.plates()
    assert len(plates) == len(canary.TEXTS) * len(canary.FACES)
    assert not any(ch in "O0" for t in canary.TEXTS for ch in t)  # one glyph in OpenCV's faces
    for img, text in plates:
        assert img.shape == (120, 240, 3), text
        inner = img[8:-8, 8:-8].min(axis=2)  # inside the border
        cols = np.flatnonzero((inner < 160).any(axis=0))
        assert cols.size, text
        left, right = cols[0] + 8, cols[-1] + 8
        assert left >= 240 * 0.05 and right <= 240 * 0.95, (text, left, right)
