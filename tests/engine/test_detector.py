"""The detector's input scale and its second look at near plates (issue 21: distant plates found, near ones boxed)."""

from __future__ import annotations

import cv2
import pytest

from platewatch.engine.detector import PlateDetector, refine_window
from platewatch.engine.models import DETECTOR, DetectorSpec
from platewatch.engine.pipeline import Pipeline
from platewatch.engine.postprocess import iou
from platewatch.unit import demo
from tests.engine.conftest import draw_plate, draw_scene


def test_the_window_of_a_second_look_holds_the_whole_plate() -> None:
    # A box of 100×20 at (500, 300): 160 px each side of its centre, 2.5 heights + 0.3 widths above and below.
    assert refine_window((500.0, 300.0, 600.0, 320.0), 1280, 720) == (390, 230, 710, 390)
    # Near the frame's corner the window stops at its edges, and is never empty.
    assert refine_window((0.0, 0.0, 50.0, 10.0), 1280, 720) == (0, 0, 105, 45)
    assert refine_window((1279.0, 719.0, 1280.0, 720.0), 1280, 720) == (1277, 716, 1280, 720)


def test_the_shipped_detector_sees_frames_at_960_and_looks_again_at_near_plates() -> None:
    spec = DetectorSpec.load(DETECTOR)
    assert (spec.long_side, spec.max_pixels) == (960, 960 * 720)
    assert spec.refine_above == 110 and spec.refine_width == 90


def test_a_near_plate_is_boxed_whole_by_the_second_look() -> None:
    frame, box = draw_scene("7KD4821")  # a 200-px plate of a 1280-px frame: 150 px at the detector's input
    once = PlateDetector(refine_above=1e9)  # no second look
    best_once = max(once.detect(frame), key=lambda d: iou(d.box, box))
    assert iou(best_once.box, box) < 0.5  # larger than any plate the detector learned: the box falls short
    best = max(PlateDetector().detect(frame), key=lambda d: iou(d.box, box))
    assert iou(best.box, box) >= 0.6


def test_a_site_may_run_the_detector_smaller_and_finds_fewer_small_plates() -> None:
    # A slow unit computer may trade small plates for speed (PLATEWATCH_UNIT_DETECTOR_SIZE, `--detector-size`).
    frame = demo.street(0)
    cv2.rectangle(frame, (380, 250), (900, 620), (40, 45, 60), -1)
    plate = draw_plate("7KD4821", 32)  # a 32-px plate of a 1280-px frame: 24 px at 960, 8 px at 320
    frame[480 : 480 + plate.shape[0], 600 : 600 + plate.shape[1]] = plate
    box = (600.0, 480.0, 600.0 + plate.shape[1], 480.0 + plate.shape[0])
    shipped = Pipeline.default().detector
    assert max(iou(d.box, box) for d in shipped.detect(frame)) >= 0.5
    small = Pipeline.default(detector_size=320).detector
    assert (small.long_side, small.max_pixels) == (320, 320 * 240)  # the input area cap scales with it
    assert all(iou(d.box, box) < 0.3 for d in small.detect(frame))
    with pytest.raises(ValueError, match="the detector size must be 320–1920 pixels, not 200"):
        Pipeline.default(detector_size=200)
