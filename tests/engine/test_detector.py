"""The detector's input scale and its second look at near plates (issue 21: distant plates found, near ones boxed)."""

from __future__ import annotations

from platewatch.engine.detector import PlateDetector, refine_window
from platewatch.engine.models import DETECTOR, DetectorSpec
from platewatch.engine.postprocess import iou
from tests.engine.conftest import draw_scene


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
