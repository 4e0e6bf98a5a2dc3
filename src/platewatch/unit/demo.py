"""A demo recording for trying the unit without a camera (`make run`): made-up cars whose drawn plates approach
a patrol car's camera, one after the other."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import cv2
import numpy as np
from pynmeagps import GET, NMEAMessage

DEMO_PLATES = ("6ZR4117", "5HX2290", "AB12345", "7KD4821", "XYZ9876")
"""Made-up plates (no O or 0, which are one glyph in OpenCV's faces)."""
SIZE = (1280, 720)
DEMO_ROUTE_START = (41.1437, -73.4950)
"""Where the demo patrol car starts: Main Street, New Canaan, CT (the town of General Order 14-01-117)."""


def draw_plate(
    text: str, width: int = 240, face: int = cv2.FONT_HERSHEY_DUPLEX, fit: float | None = 0.84
) -> np.ndarray:
    """A white US-shaped plate (2:1) with a dark border and the text centred in dark blue, BGR; text wider
    than `fit` of the plate is scaled down to it (a margin at the ends, as real plates have)."""
    h = width // 2
    plate = np.full((h, width, 3), 235, np.uint8)
    cv2.rectangle(plate, (2, 2), (width - 3, h - 3), (60, 40, 20), 3)
    thick = max(2, width // 60)
    scale = width / 150
    (tw, th), _ = cv2.getTextSize(text, face, scale, thick)
    if fit is not None and tw > width * fit:
        scale *= width * fit / tw
        (tw, th), _ = cv2.getTextSize(text, face, scale, thick)
    cv2.putText(plate, text, ((width - tw) // 2, (h + th) // 2), face, scale, (90, 30, 20), thick, cv2.LINE_AA)
    return plate


def street(seed: int) -> np.ndarray:
    """A grey-gradient road with some noise: the background of the demo frames."""
    rng = np.random.default_rng(seed)
    y = np.linspace(90, 160, SIZE[1], dtype=np.float32)[:, None, None]
    noisy = np.broadcast_to(y, (SIZE[1], SIZE[0], 3)) + rng.normal(0, 6, (SIZE[1], SIZE[0], 3))
    return np.clip(noisy, 0, 255).astype(np.uint8)


def demo_video(path: Path, plates: tuple[str, ...] = DEMO_PLATES, fps: float = 10.0, frames_per_car: int = 10) -> Path:
    """Write the demo recording (MJPG .avi): each car approaches for `frames_per_car` frames, then half a
    second of empty road."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, SIZE)
    if not writer.isOpened():
        raise OSError(f"cannot write a video at {path}")
    try:
        for k, text in enumerate(plates):
            road = street(k)
            for i in range(frames_per_car):
                frame = road.copy()
                t = i / max(1, frames_per_car - 1)
                w = round(120 + 140 * t)
                x0, y0 = round(560 - 180 * t + 120 * (k % 2)), round(260 + 200 * t)
                cv2.rectangle(frame, (x0 - w // 2, y0 - w), (x0 + w + w // 2, y0 + w), (40 + 20 * k, 45, 60), -1)
                plate = draw_plate(text, w)
                frame[y0 : y0 + plate.shape[0], x0 : x0 + plate.shape[1]] = plate
                writer.write(frame)
            for _ in range(round(fps / 2)):
                writer.write(road)
    finally:
        writer.release()
    return path


def demo_track(
    path: Path,
    start: dt.datetime,
    seconds: int = 30,
    heading: float = 5.0,
    speed_kmh: float = 40.0,
) -> Path:
    """Write the demo car's GPS log: one RMC sentence a second, driving `heading` at `speed_kmh` from
    DEMO_ROUTE_START (the NMEA a receiver on the car's serial port would give)."""
    if start.tzinfo is None:
        raise ValueError("the track's start needs a time zone")
    start = start.astimezone(dt.UTC).replace(microsecond=0)
    lat0, lon0 = DEMO_ROUTE_START
    metres_per_s = speed_kmh / 3.6
    lines = []
    for s in range(seconds + 1):
        d = metres_per_s * s
        lat = lat0 + math.degrees(d * math.cos(math.radians(heading)) / 6_371_000.0)
        lon = lon0 + math.degrees(d * math.sin(math.radians(heading)) / (6_371_000.0 * math.cos(math.radians(lat0))))
        at = start + dt.timedelta(seconds=s)
        msg = NMEAMessage(
            "GP", "RMC", GET, time=at.time(), status="A", lat=lat, NS="N", lon=lon, EW="W",
            spd=round(speed_kmh / 1.852, 1), cog=heading, date=at.date(), posMode="A",
        )  # fmt: skip
        lines.append(msg.serialize().decode("ascii"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="ascii")
    return path
