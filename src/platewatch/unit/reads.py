"""A vehicle pass as the read a unit uploads: the JSON of the server's ingest (`ReadCreate`)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

import cv2
import numpy as np

from platewatch.engine.preprocess import crop
from platewatch.engine.types import Box
from platewatch.unit.gps import Positions
from platewatch.unit.tracker import VehiclePass

VEHICLE_MARGIN = (1.0, 3.0)
"""The vehicle image around a plate box: a plate's width on each side, three of its heights (mostly above)."""


def jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"cannot encode a {image.shape} image as JPEG")
    return bytes(buf.tobytes())


def evidence_images(frame: np.ndarray, box: Box, max_side: int = 640) -> tuple[bytes, bytes]:
    """(plate crop, vehicle image) as JPEG from one frame: what the officer and an investigator look at."""
    plate = crop(frame, box, (0.1, 0.2))
    vehicle = crop(frame, box, VEHICLE_MARGIN)
    h, w = vehicle.shape[:2]
    if max(h, w) > max_side:
        scale = max_side / max(h, w)
        vehicle = cv2.resize(
            vehicle, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
    return jpeg(plate), jpeg(vehicle)


def pass_to_read(
    vehicle_pass: VehiclePass,
    camera: str,
    stream_start: dt.datetime,
    images: tuple[bytes, bytes] | None = None,
    read_id: uuid.UUID | None = None,
    track: Positions | None = None,
) -> dict[str, Any]:
    """The ingest JSON of one pass, captured at its best frame's time (`stream_start` + the frame's offset),
    where `track` puts the car then (no position when the track has none for that time)."""
    if stream_start.tzinfo is None:
        raise ValueError("stream_start needs a time zone")
    best = vehicle_pass.best
    captured_at = stream_start + dt.timedelta(milliseconds=best.ms)
    read: dict[str, Any] = {
        "id": str(read_id or uuid.uuid4()),
        "camera": camera,
        "captured_at": captured_at.isoformat(),
        "plate": vehicle_pass.text,
        "confidence": round(min(1.0, vehicle_pass.confidence), 4),
        "candidates": [{"plate": c.text, "confidence": min(1.0, c.confidence)} for c in vehicle_pass.candidates],
        "state": vehicle_pass.state,
        "state_confidence": None
        if vehicle_pass.state_confidence is None
        else round(min(1.0, vehicle_pass.state_confidence), 4),
    }
    if vehicle_pass.found_only:  # found plainly, not read surely: the server matches it against no list (ADR 0025)
        read["found_only"] = True
    fix = track.at(captured_at) if track is not None else None
    if fix is not None:
        read["latitude"] = round(fix.latitude, 7)
        read["longitude"] = round(fix.longitude, 7)
        read["heading"] = fix.heading
    if images is not None:
        read["plate_image"] = base64.b64encode(images[0]).decode()
        read["vehicle_image"] = base64.b64encode(images[1]).decode()
    return read
