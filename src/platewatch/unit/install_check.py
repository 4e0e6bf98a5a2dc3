"""Checks of a unit's installation for IT in the car (`platewatch unit check`): the token file, the server and the
unit's clock, the outbox, the camera, the parts of its view ignored, recognition on the camera's frame, the GPS and
the screen's address. Nothing is created and nothing is sent but the unit's one question to the server."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from platewatch.domain.install_checks import Check, clock_check, free_space_check, secret_file_check
from platewatch.unit.gps import GpsError
from platewatch.unit.gps_feed import GpsFeed
from platewatch.unit.screen import ScreenError, parse_address
from platewatch.unit.sources import SourceError, first_frame, open_capture, shown
from platewatch.unit.uploader import ServerError, one_token, server_client, unit_identity

MIN_OUTBOX_FREE_BYTES = 1024**3
"""Below this much free space beside the outbox, an outage's reads (each with its two JPEGs) may not fit."""


@dataclass(frozen=True)
class UnitSetup:
    """What the unit's service runs with (its flags, or /etc/platewatch/unit.env)."""

    token_file: Path
    server: str
    camera: str
    outbox: Path
    gps: str | None = None
    screen: str = "off"
    wait_s: float = 10.0
    """How long the GPS's first position may take."""
    ignore: str = ""
    """The parts of the camera's view where no plate is looked for (`PLATEWATCH_UNIT_IGNORE`)."""
    detector_size: int | None = None
    """The detector's input size in place of its own (`PLATEWATCH_UNIT_DETECTOR_SIZE`)."""


def token(path: Path) -> tuple[Check, str | None]:
    """The token file is there, holds one token, and only its owner can read it; the token when it holds one."""
    try:
        mode, said = path.stat().st_mode, one_token(path.read_text())
    except OSError as exc:
        return Check("token file", False, f"cannot read {path}: {exc.strerror or exc}"), None
    if said is None:
        return Check("token file", False, f"{path} must hold one API token (`platewatch unit add` on the server)"), None
    return secret_file_check("token file", str(path), mode), said


def server(url: str, api_token: str) -> list[Check]:
    """The server answers, takes the token (naming the unit it belongs to), and keeps time with the unit."""
    try:
        with server_client(url, api_token, timeout=15.0) as client:
            unit = unit_identity(client)
    except ServerError as exc:
        return [Check("server", False, str(exc))]
    approved = f", {unit.approved_for}" if unit.approved_for else ""
    known = Check("server", True, f"{url} knows this unit as {unit.name} ({unit.kind}{approved})")
    return [known, clock_check(unit.clock_skew_s, unit.uncertainty_s)]


def outbox(path: Path) -> Check:
    """The outbox (or, before the first read, its folder) is writable with room; what waits in it."""
    if path.exists() and not path.is_file():
        return Check("outbox", False, f"{path} is not a file")
    folder = path.parent
    if not folder.is_dir():
        return Check("outbox", False, f"the folder {folder} does not exist")
    for target in (folder, path) if path.exists() else (folder,):
        if not os.access(target, os.W_OK):
            return Check("outbox", False, f"{target} is not writable by this user")
    free = shutil.disk_usage(folder).free
    short = free_space_check("outbox", str(folder), free, MIN_OUTBOX_FREE_BYTES, "reads wait there through outages")
    if short:
        return short
    room = f"{free / 1024**3:.1f} GiB free"
    if not path.exists():
        return Check("outbox", True, f"{path} will be made at the first read; {room}")
    try:
        waiting, rejected = _outbox_counts(path)
    except sqlite3.Error as exc:
        return Check("outbox", False, f"{path} is not a readable outbox: {exc}")
    reads = "read" if waiting == 1 else "reads"
    return Check("outbox", True, f"{path}: {waiting} {reads} waiting, {rejected} refused by the server; {room}")


def _outbox_counts(path: Path) -> tuple[int, int]:
    """(reads waiting, reads the server refused). Read-write, never creating: a read-only connection would leave
    the write-ahead log's files beside it, which only a writer removes when it closes."""
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=5)) as db:
        row = db.execute("SELECT count(*) - count(rejected_at), count(rejected_at) FROM outbox").fetchone()
    return int(row[0]), int(row[1])


def camera(source: str) -> tuple[Check, np.ndarray | None]:
    """The camera opens and gives a frame; the frame, for the recognition check."""
    try:
        capture = open_capture(source)
        try:
            frame = first_frame(capture, shown(source), f"no frame from the camera or video {shown(source)}")
        finally:
            capture.release()
    except SourceError as exc:
        return Check("camera", False, str(exc)), None
    h, w = frame.shape[:2]
    return Check("camera", True, f"{shown(source)} gives {w}×{h} frames"), frame


def ignored_parts(text: str) -> Check:
    """The parts of the view to ignore are well formed, and what they are."""
    from platewatch.engine.ignore_regions import parse_regions

    try:
        regions = parse_regions([text])
    except ValueError as exc:
        return Check("ignored parts", False, f"PLATEWATCH_UNIT_IGNORE {exc}")
    if not regions:
        return Check("ignored parts", True, "none: plates are looked for in the whole view")
    shown_regions = "; ".join(r.text() for r in regions)
    return Check("ignored parts", True, f"{shown_regions} (x,y,w,h of the frame): no plate is looked for there")


def recognition(frame: np.ndarray | None, rounds: int = 3, detector_size: int | None = None) -> Check:
    """The models load and run on this computer; how long one of the camera's frames takes (one thread), with the
    detector at the site's input size."""
    from platewatch.engine.onnx_runtime import ModelError
    from platewatch.engine.pipeline import Pipeline

    try:
        pipeline = Pipeline.default(threads=1, detector_size=detector_size)
        pipeline.warmup()
    except ModelError as exc:
        return Check("recognition", False, str(exc))
    if frame is None:
        return Check("recognition", True, "the models load and run (no camera frame to time)")
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        pipeline.run(frame)
        times.append((time.perf_counter() - began) * 1000)
    median = statistics.median(times)
    size = f", the detector at {detector_size} px" if detector_size else ""
    rate = f"{1000 / median:.0f} frames a second" if median > 0 else "too fast to time"
    # Under 15 frames a second a passing car is seen in few frames: docs/operations.md, "A slower unit computer".
    return Check("recognition", True, f"the models run: {median:.0f} ms for a camera frame, {rate} (one thread{size})")


def gps(url: str | None, wait_s: float) -> Check:
    """The receiver gives a position within `wait_s` (none is needed for a unit without GPS)."""
    if not url:
        return Check("GPS", True, "none set: reads will have no position")
    try:
        feed = GpsFeed(url).start()
    except GpsError as exc:
        return Check("GPS", False, str(exc))
    began = time.monotonic()
    try:
        while (fix := feed.latest()) is None and time.monotonic() - began < wait_s:
            time.sleep(0.1)
    finally:
        feed.close()
    if fix is None:
        return Check("GPS", False, f"no position from {url} in {wait_s:.0f} s (is the receiver on, with sky view?)")
    return Check("GPS", True, f"{url} gives positions ({time.monotonic() - began:.1f} s to the first)")


def screen(address: str) -> Check:
    """The officer's screen can be served at its address (the agent is stopped while IT checks)."""
    if address == "off":
        return Check("screen", True, "off (a unit without an officer)")
    try:
        host, port = parse_address(address)
    except ScreenError as exc:
        return Check("screen", False, str(exc))
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return Check("screen", False, f"{address} is taken ({exc.strerror}): is the agent still running?")
    return Check("screen", True, f"http://{address}/ is free for the officer's screen")


def run_checks(setup: UnitSetup) -> list[Check]:
    """Every check, in order: the server's only with a token, the recognition timed on the camera's frame."""
    found, api_token = token(setup.token_file)
    checks = [found, *(server(setup.server, api_token) if api_token else [])]
    seen, frame = camera(setup.camera)
    return [
        *checks,
        outbox(setup.outbox),
        seen,
        ignored_parts(setup.ignore),
        recognition(frame, detector_size=setup.detector_size),
        gps(setup.gps, setup.wait_s),
        screen(setup.screen),
    ]
