"""A live GPS receiver's NMEA over TCP: fixes stamped on arrival, a short memory, reconnection, clear errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import time

import pytest

from platewatch.unit.gps import GpsError
from platewatch.unit.gps_feed import GpsFeed, parse_feed_url
from tests.unit.test_gps import NO_FIX, NORTH_10, NORTH_350

T0 = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def test_feed_addresses() -> None:
    assert parse_feed_url("tcp://192.168.0.1:9999") == ("192.168.0.1", 9999)
    for bad, message in [
        ("udp://192.168.0.1:9999", "tcp://host:port"),
        ("/dev/ttyUSB0", "tcp://host:port"),
        ("tcp://192.168.0.1", "needs a port"),
        ("tcp://192.168.0.1:gps", "port is not a number"),
    ]:
        with pytest.raises(GpsError, match=message):
            parse_feed_url(bad)


def test_fixes_are_stamped_when_they_arrive_and_old_ones_forgotten() -> None:
    clock = Clock()
    feed = GpsFeed("tcp://127.0.0.1:1", keep=dt.timedelta(seconds=30), clock=clock)
    assert feed.at(T0) is None  # nothing heard yet
    feed.add_line(NORTH_350)  # the receiver says 08:00:00; the unit's clock says 15:00:00
    clock.now = T0 + dt.timedelta(seconds=1)
    feed.add_line(NORTH_10)
    feed.add_line(NO_FIX)
    feed.add_line("$GPGSV,garbage")
    assert feed.skipped == 2
    mid = feed.at(T0 + dt.timedelta(milliseconds=500))
    assert mid is not None and mid.latitude == pytest.approx(41.14375) and mid.heading == pytest.approx(0.0)
    assert feed.at(T0 + dt.timedelta(seconds=4)) is None  # 3 s after the last fix: no position
    clock.now = T0 + dt.timedelta(seconds=40)
    feed.add_line(NORTH_10)
    latest = feed.latest()
    assert latest is not None and latest.at == clock.now
    assert feed.at(T0 + dt.timedelta(milliseconds=500)) is None  # forgotten after 30 s


def serve_nmea(lines: list[str], connections: int) -> tuple[int, threading.Thread]:
    """A receiver on 127.0.0.1 that sends `lines` to each of `connections` clients, then hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))

    def run() -> None:
        with listener:
            for _ in range(connections):
                conn, _ = listener.accept()
                with conn, contextlib.suppress(OSError):  # the unit may hang up first
                    for line in lines:
                        conn.sendall(line.encode() + b"\r\n")
                        time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread


def test_a_receiver_over_tcp_and_a_reconnection() -> None:
    port, server = serve_nmea([NORTH_350, "noise", NORTH_10], connections=2)
    feed = GpsFeed(f"tcp://127.0.0.1:{port}", reconnect_s=0.2).start()
    try:
        deadline = time.monotonic() + 10
        while (feed.skipped < 2 or feed.latest() is None) and time.monotonic() < deadline:
            time.sleep(0.05)  # both connections heard: the second after the receiver hung up once
    finally:
        feed.close()
        server.join(timeout=5)
    latest = feed.latest()
    assert latest is not None and latest.heading == 10.0 and feed.skipped == 2
