"""Parts of a camera's view where no plate is looked for: the settings' form, and the pipeline with the real models."""

from __future__ import annotations

import pytest

from platewatch.engine.ignore_regions import IgnoreRegion, ignored, parse_region, parse_regions
from platewatch.engine.pipeline import Pipeline, PipelineConfig
from tests.engine.conftest import draw_scene


def test_a_region_is_four_fractions_of_the_frame() -> None:
    assert parse_region(" 0.6, 0.9,0.4 ,0.1") == IgnoreRegion(0.6, 0.9, 0.4, 0.1)
    assert parse_regions(["0.6,0.9,0.4,0.1;0,0,1,0.05", "0.1,0.1,0.2,0.2", ""]) == (
        IgnoreRegion(0.6, 0.9, 0.4, 0.1),
        IgnoreRegion(0.0, 0.0, 1.0, 0.05),
        IgnoreRegion(0.1, 0.1, 0.2, 0.2),
    )
    assert parse_regions([""]) == ()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("0.6,0.9,0.4", "'0.6,0.9,0.4': an ignore region is x,y,w,h"),
        ("0.6,0.9,0.4,0.1,0", "an ignore region is x,y,w,h"),
        ("a,0.9,0.4,0.1", "'a,0.9,0.4,0.1': x, y, w and h must be numbers"),
        ("880,600,400,100", "880,600,400,100: each of x, y, w, h is a fraction of the frame, from 0 to 1"),
        ("-0.1,0.9,0.4,0.1", "each of x, y, w, h is a fraction"),
        ("nan,0.9,0.4,0.1", "each of x, y, w, h is a fraction"),
        ("0.6,0.9,0,0.1", "0.6,0.9,0,0.1: the width and the height must be more than 0"),
        ("0.7,0.9,0.4,0.1", "0.7,0.9,0.4,0.1: the region reaches past the frame's right or bottom edge"),
    ],
)
def test_a_wrong_region_is_named(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error.replace("(", r"\(").replace(")", r"\)")):
        parse_region(text)


def test_a_detection_is_ignored_when_its_centre_lies_in_a_region() -> None:
    clock = IgnoreRegion(0.6, 0.9, 0.4, 0.1)  # bottom-right corner of 1280×720: x ≥ 768, y ≥ 648
    assert ignored((880, 680, 1100, 710), 1280, 720, [clock])
    assert ignored((700, 640, 840, 700), 1280, 720, [clock])  # reaches out of it, but its centre is in
    assert not ignored((600, 600, 760, 640), 1280, 720, [clock])
    assert not ignored((880, 680, 1100, 710), 1280, 720, [])
    assert ignored((880, 680, 1100, 710), 2560, 1440, [IgnoreRegion(0.3, 0.45, 0.2, 0.05)])  # any resolution


def test_the_pipeline_looks_for_no_plate_in_an_ignored_part() -> None:
    frame, (x0, y0, x1, y1) = draw_scene("6ZR4117")
    h, w = frame.shape[:2]
    over_plate = IgnoreRegion(x0 / w - 0.02, y0 / h - 0.02, (x1 - x0) / w + 0.04, (y1 - y0) / h + 0.04)
    elsewhere = IgnoreRegion(0.0, 0.0, 0.3, 0.2)
    pipeline = Pipeline.default()
    assert [r.text for r in pipeline.run(frame)] == ["6ZR4117"]
    pipeline.config = PipelineConfig(ignore=(elsewhere,))
    assert [r.text for r in pipeline.run(frame)] == ["6ZR4117"]
    pipeline.config = PipelineConfig(ignore=(elsewhere, over_plate))
    assert pipeline.run(frame) == []
    assert pipeline.read_crop(frame[y0:y1, x0:x1]).text == "6ZR4117"  # a given crop is always read
