"""Detector decoding and NMS on hand-built heatmaps."""

from __future__ import annotations

import numpy as np
import pytest

from platewatch.engine.postprocess import decode, iou, local_peaks, nms


def test_iou() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    assert iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0


def test_nms_drops_overlaps_keeps_separate() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], np.float32)
    scores = np.array([0.8, 0.9, 0.7], np.float32)
    assert nms(boxes, scores, 0.3) == [1, 2]


def test_local_peaks_finds_maxima_above_threshold() -> None:
    heat = np.zeros((6, 6), np.float32)
    heat[1, 1], heat[1, 2] = 0.9, 0.5  # one peak with a shoulder
    heat[4, 4] = 0.4
    heat[4, 0] = 0.1  # below threshold
    rows, cols = local_peaks(heat, 0.2)
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(1, 1), (4, 4)]


def test_local_peaks_at_the_border_and_on_plateaus() -> None:
    heat = np.zeros((4, 5), np.float32)
    heat[0, 0] = 0.8  # corner: cells outside the map do not count
    heat[3, 2], heat[3, 3] = 0.6, 0.6  # a plateau of two equal cells on the edge: both are maxima
    heat[2, 4] = 0.5
    heat[1, 4] = 0.7  # beside it and higher: 0.5 is not a peak
    rows, cols = local_peaks(heat, 0.3)
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 0), (1, 4), (3, 2), (3, 3)]


def test_decode_places_box_in_frame_pixels() -> None:
    heat = np.zeros((8, 8), np.float32)
    reg = np.zeros((4, 8, 8), np.float32)
    heat[2, 3] = 0.95
    # centre at cell (3 + 0.5, 2 + 0.25) * stride 4 = (14, 9) input px; size 8×4 cells = 32×16 px
    reg[:, 2, 3] = [0.5, 0.25, np.log(8), np.log(4)]
    found = decode(heat, reg, stride=4, scale=0.5, threshold=0.3)
    assert len(found) == 1
    box, score = found[0]
    assert score == pytest.approx(0.95)
    assert box == pytest.approx(((14 - 16) / 0.5, (9 - 8) / 0.5, (14 + 16) / 0.5, (9 + 8) / 0.5))


def test_decode_empty_heatmap() -> None:
    assert decode(np.zeros((4, 4), np.float32), np.zeros((4, 4, 4), np.float32), 4, 1.0, 0.3) == []
