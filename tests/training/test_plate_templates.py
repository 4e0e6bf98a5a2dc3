"""The real blank state plates as backgrounds for synthetic plates: every state's design loads, and a plate drawn on
one keeps the design around a number of the given text (issue 21)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from training.data import DATASETS
from training.synth import plates
from training.synth.styles import NAVY, RED, WHITE, YELLOW
from training.synth.templates import FOLDER, load_templates, render_on_template

pytestmark = pytest.mark.skipif(
    not (DATASETS / FOLDER / "labels.csv").is_file(), reason=f"the shared datasets are not here ({DATASETS})"
)


def test_every_state_and_dc_has_a_design() -> None:
    templates = load_templates()
    assert len(templates) == 55
    assert len({t.state for t in templates}) == 51  # 50 states and DC; a few states twice
    assert all(t.image.ndim == 3 and t.image.shape[1] > t.image.shape[0] for t in templates)
    assert {t.year for t in templates if t.state == "CT"} == {2000}


def test_a_plate_drawn_on_a_design_keeps_it_around_its_number() -> None:
    (ct,) = [t for t in load_templates() if t.state == "CT"]
    plate = render_on_template(ct, np.random.default_rng(3), text="AB12345")
    h, w = plate.image.shape[:2]
    assert (plate.text, plate.state) == ("AB12345", "CT")
    assert 96 <= h < 130 and 1.9 <= w / h <= 2.1
    design = cv2.resize(ct.image, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    changed = np.abs(plate.image.astype(np.float32) - design).max(axis=2) > 40
    band = changed[int(h * 0.3) : int(h * 0.72), int(w * 0.2) : int(w * 0.8)]
    assert band.mean() > 0.15  # the number is drawn across the middle
    name = changed[int(h * 0.05) : int(h * 0.2), int(w * 0.25) : int(w * 0.75)]
    assert name.mean() < band.mean() / 3  # the state's name above it stays


def test_without_a_text_the_number_follows_the_states_formats_or_a_vanity_plate() -> None:
    rng = np.random.default_rng(8)
    templates = load_templates()
    texts = [render_on_template(templates[i % len(templates)], rng).text for i in range(40)]
    assert all(2 <= len(t) <= 8 and t.isalnum() and t == t.upper() for t in texts)
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(
    ("state", "colour", "not_colour"),
    [("NM", YELLOW, RED), ("IN", WHITE, NAVY), ("MT", WHITE, NAVY), ("CT", NAVY, WHITE)],
)
def test_the_number_takes_its_designs_character_colour(
    state: str, colour: tuple[int, int, int], not_colour: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """New Mexico's centennial plate is yellow on turquoise (its drawn look: red on yellow), Indiana's and Montana's
    designs white on blue; Connecticut's keeps the state's navy."""
    monkeypatch.setattr(plates, "SIDE_MARK_SHARE", 0.0)  # no emblem in a logo's colour beside the number
    (design,) = [t for t in load_templates() if t.state == state]
    for seed in range(5):
        plate = render_on_template(design, np.random.default_rng(seed), text="AB12345")
        h, w = plate.image.shape[:2]
        blank = cv2.resize(design.image, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
        row = (slice(int(h * 0.3), int(h * 0.72)), slice(int(w * 0.1), int(w * 0.9)))
        ink = np.abs(plate.image.astype(np.float32) - blank)[row].max(axis=2) > 80
        drawn = np.median(plate.image[row][ink].astype(np.float32), axis=0)
        assert np.abs(drawn - colour).sum() < np.abs(drawn - not_colour).sum(), (seed, drawn)
