"""Where a synthetic US plate's number goes: full height beside its side marks, or small and alone on a share of
plates (`--small-numbers`), so that the reader tells a side mark from a character by its neighbours' size."""

from __future__ import annotations

import numpy as np
import pytest
from training.synth import plates


def shares(monkeypatch: pytest.MonkeyPatch, small: float, side: float) -> None:
    monkeypatch.setattr(plates, "SMALL_NUMBER_SHARE", small)
    monkeypatch.setattr(plates, "SIDE_MARK_SHARE", side)


def blank() -> np.ndarray:
    return np.full((100, 200, 3), 230.0, np.float32)


def test_a_plain_number_fills_the_middle_row_between_the_margins(monkeypatch: pytest.MonkeyPatch) -> None:
    shares(monkeypatch, 0.0, 0.0)
    assert plates.number_box(blank(), np.random.default_rng(1), (20, 20, 20)) == (10.0, 25.0, 190.0, 77.0)


def test_a_small_number_is_a_short_row_with_no_side_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    shares(monkeypatch, 1.0, 1.0)  # side marks on every plate that is not small
    for seed in range(20):
        img = blank()
        x0, y0, x1, y1 = plates.number_box(img, np.random.default_rng(seed), (20, 20, 20))
        assert (x0, x1) == (10.0, 190.0)
        assert 25.0 <= y1 - y0 <= 42.0 and 45.0 <= (y0 + y1) / 2 <= 56.0
        assert (img == 230.0).all()  # nothing drawn beside it


def test_no_small_numbers_leaves_the_samples_of_earlier_runs_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    shares(monkeypatch, 0.0, 0.3)
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    img_a, img_b = blank(), blank()
    x0, x1 = plates.side_marks(img_a, a, (20, 20, 20))
    assert plates.number_box(img_b, b, (20, 20, 20)) == (x0, 25.0, x1, 77.0)
    assert a.random() == b.random() and (img_a == img_b).all()


INK = (20, 90, 200)
EMBLEM_SEEDS = (0, 1, 4)
"""Seeds whose first draw in `side_marks` (share 1) places an emblem, not stacked characters."""


def test_an_emblem_in_the_numbers_ink_is_drawn_in_that_ink(monkeypatch: pytest.MonkeyPatch) -> None:
    shares(monkeypatch, 0.0, 1.0)
    monkeypatch.setattr(plates, "EMBLEM_INK_SHARE", 1.0)
    for seed in EMBLEM_SEEDS:
        img = blank()
        plates.side_marks(img, np.random.default_rng(seed), INK)
        shift = (img - 230.0).reshape(-1, 3)
        drawn = shift[np.abs(shift).sum(axis=1) > 3]
        assert len(drawn) > 20
        alpha = drawn / (np.asarray(INK, np.float32) - 230.0)  # one blend weight per pixel, the same in B, G and R
        assert np.allclose(alpha, alpha[:, :1], atol=1e-3)


def test_no_emblem_in_the_numbers_ink_leaves_the_samples_of_earlier_runs_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shares(monkeypatch, 0.0, 1.0)
    before = {
        0: (13758537.0, 0.5414612202490917),
        1: (13690352.0, 0.7503646726300526),
        4: (13610721.0, 0.9290263877654195),
    }
    """The image's sum and the generator's next draw with the code before `EMBLEM_INK_SHARE` (commit 842789d)."""
    for seed in EMBLEM_SEEDS:
        img, rng = blank(), np.random.default_rng(seed)
        plates.side_marks(img, rng, INK)
        assert (round(float(img.sum()), 1), rng.random()) == before[seed]
