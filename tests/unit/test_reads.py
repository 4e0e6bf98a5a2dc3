"""A vehicle pass as the read the unit uploads: the server's own ingest schema accepts it."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import replace

import cv2
import numpy as np
import pytest

from platewatch.engine.types import Candidate, PlateRead
from platewatch.server.reads.schemas import ReadCreate
from platewatch.unit.gps import Fix, GpsTrack
from platewatch.unit.reads import evidence_images, pass_to_read
from platewatch.unit.tracker import FrameRead, VehiclePass, vote

START = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def a_pass() -> VehiclePass:
    def read(text: str, conf: float) -> PlateRead:
        cands = (Candidate(text, conf), Candidate("8TRK4S5", 0.05))
        return PlateRead(text, conf, (500, 400, 620, 460), 0.9, (conf,) * 7, cands, "CT", 0.8)

    return vote([FrameRead(3, 100.0, read("8TRK455", 0.7)), FrameRead(4, 133.3, read("8TRK455", 0.9))])


def test_the_read_is_what_the_server_ingests() -> None:
    frame = np.full((720, 1280, 3), 90, np.uint8)
    cv2.rectangle(frame, (500, 400), (620, 460), (240, 240, 240), -1)
    images = evidence_images(frame, (500, 400, 620, 460))
    read = pass_to_read(a_pass(), "front", START, images)
    parsed = ReadCreate.model_validate(read)
    assert parsed.plate == "8TRK455" and parsed.camera == "front"
    assert parsed.captured_at == START + dt.timedelta(milliseconds=133.3)  # the best frame's time
    assert parsed.confidence == pytest.approx(0.8)
    assert [c.plate for c in parsed.candidates] == ["8TRK455", "8TRK4S5"]
    assert (parsed.state, parsed.state_confidence) == ("CT", pytest.approx(0.8))
    plate = cv2.imdecode(np.frombuffer(base64.b64decode(read["plate_image"]), np.uint8), cv2.IMREAD_COLOR)
    assert plate.shape[:2] == (84, 144)  # the box with 10 % / 20 % margins
    assert plate[20:60, 20:120].mean() > 200  # the plate is in it


def test_a_plate_found_but_not_read_says_so_and_an_ordinary_read_sends_no_such_field() -> None:
    """ADR 0025: only a found-only pass carries `found_only`; a read of an earlier unit's shape stays the same."""
    found = pass_to_read(replace(a_pass(), found_only=True), "front", START)
    assert found["found_only"] is True and ReadCreate.model_validate(found).found_only is True
    ordinary = pass_to_read(a_pass(), "front", START)
    assert "found_only" not in ordinary and ReadCreate.model_validate(ordinary).found_only is False


def test_the_vehicle_image_is_bounded() -> None:
    frame = np.zeros((2000, 3000, 3), np.uint8)
    _, vehicle = evidence_images(frame, (1000.0, 1200.0, 1800.0, 1500.0))
    image = cv2.imdecode(np.frombuffer(vehicle, np.uint8), cv2.IMREAD_COLOR)
    assert max(image.shape[:2]) == 640


def test_without_images_and_a_naive_start() -> None:
    read = pass_to_read(a_pass(), "front", START)
    assert "plate_image" not in read
    ReadCreate.model_validate(read)
    with pytest.raises(ValueError, match="time zone"):
        pass_to_read(a_pass(), "front", START.replace(tzinfo=None))


def test_the_read_is_placed_where_the_car_was_at_its_best_frame() -> None:
    at = START + dt.timedelta(milliseconds=133.3)
    track = GpsTrack(
        [Fix(START, 41.1437, -73.4950, 350.0), Fix(START + dt.timedelta(seconds=1), 41.1438, -73.4950, 10.0)]
    )
    parsed = ReadCreate.model_validate(pass_to_read(a_pass(), "front", START, track=track))
    assert parsed.latitude == pytest.approx(41.1437 + 0.1333 * 0.0001, abs=1e-7)
    assert parsed.longitude == pytest.approx(-73.4950)
    assert parsed.heading == pytest.approx(352.7)  # 350° + 0.133 of the 20° turn through north
    late = track.shifted(at + dt.timedelta(minutes=5))  # a track that does not cover the read: no position
    read = pass_to_read(a_pass(), "front", START, track=late)
    assert "latitude" not in read and "heading" not in read
