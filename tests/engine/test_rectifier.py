"""Warping a plate upright from four corners, and which corners are believed (`engine.rectifier`): literal inputs."""

from __future__ import annotations

import cv2
import numpy as np

from platewatch.engine.rectifier import plausible, upright

BOX = (100.0, 50.0, 300.0, 150.0)


def test_a_convex_clockwise_quad_covering_the_box_is_plausible() -> None:
    quad = np.array([[110, 60], [290, 70], [295, 140], [105, 135]], np.float32)
    assert plausible(quad, BOX)


def test_crossed_reversed_or_tiny_quads_are_not() -> None:
    crossed = np.array([[110, 60], [290, 70], [105, 135], [295, 140]], np.float32)  # bl and br swapped
    reversed_ = np.array([[110, 60], [105, 135], [295, 140], [290, 70]], np.float32)  # counter-clockwise
    tiny = np.array([[190, 95], [210, 95], [210, 105], [190, 105]], np.float32)  # 1 % of the box
    assert not plausible(crossed, BOX) and not plausible(reversed_, BOX) and not plausible(tiny, BOX)


def test_upright_undoes_a_perspective_warp() -> None:
    # A 200×100 pattern warped into a slanted quad comes back upright at its size, with the margin around it.
    plate = np.zeros((100, 200, 3), np.uint8)
    plate[:, :100] = 255  # left half white: a vertical edge at x = 100
    quad = np.array([[40, 30], [235, 50], [240, 150], [35, 125]], np.float32)
    src = np.array([[0, 0], [200, 0], [200, 100], [0, 100]], np.float32)
    frame = cv2.warpPerspective(plate, cv2.getPerspectiveTransform(src, quad), (300, 200))
    out = upright(frame, quad, (0.05, 0.10))
    w = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    h = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    assert out.shape[:2] == (round(h * 1.2), round(w * 1.1))
    row = out[out.shape[0] // 2, :, 0].astype(int)
    edge = int(np.argmax(np.diff(row) < -100))  # where white turns black
    assert abs(edge - (0.05 * w + w / 2)) <= 2


def test_upright_caps_a_huge_plate() -> None:
    frame = np.zeros((2000, 3000, 3), np.uint8)
    quad = np.array([[0, 0], [2800, 0], [2800, 1400], [0, 1400]], np.float32)
    assert upright(frame, quad, (0.04, 0.06)).shape[1] <= 640
