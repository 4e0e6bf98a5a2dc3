"""A live GPS receiver's NMEA over TCP: fixes stamped on arrival, a short memory, reconnection, clear errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import threading
import time

import pytest

from platewatch.unit.gps import GpsError
from platewatch.unit.gps_feed import GPSD_WATCH, FeedAddress, GpsFeed, parse_feed_url
from tests.unit.test_gps import NO_FIX, NORTH_10, NORTH_350

T0 = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def test_feed_addresses() -> None:
    assert parse_feed_url("tcp://192.168.0.1:9999") == FeedAddress("tcp", "192.168.0.1", 9999)
    assert parse_feed_url("gpsd://localhost") == FeedAddress("gpsd", "localhost", 2947)
    assert parse_feed_url("gpsd://10.0.0.5:3000") == FeedAddress("gpsd", "10.0.0.5", 3000)
    assert parse_feed_url("serial:///dev/ttyUSB0") == FeedAddress("serial", device="/dev/ttyUSB0", baud=4800)
    assert parse_feed_url("serial:///dev/ttyACM0?baud=9600").baud == 9600
    for bad, message in [
        ("udp://192.168.0.1:9999", "tcp://host:port, gpsd://host"),
        ("/dev/ttyUSB0", "tcp://host:port"),
        ("tcp://192.168.0.1", "needs a port"),
        ("tcp://192.168.0.1:gps", "port is not a number"),
        ("serial://ttyUSB0", "under /dev"),
        ("serial:///dev/ttyUSB0?baud=1200", "baud rate '1200' is not one of 4800"),
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


def wait_for_fix(feed: GpsFeed, heading: float, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        latest = feed.latest()
        if latest is not None and latest.heading == heading:
            return
        time.sleep(0.05)
    raise AssertionError(f"no fix heading {heading} from {feed.url} (skipped {feed.skipped})")


def test_gpsd_is_asked_for_nmea_and_its_status_lines_are_not_fixes() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    asked: list[bytes] = []

    def gpsd() -> None:
        with listener:
            conn, _ = listener.accept()
            with conn, contextlib.suppress(OSError):
                conn.sendall(b'{"class":"VERSION","release":"3.25","proto_major":3}\r\n')
                asked.append(conn.recv(1024))  # a real gpsd sends nothing more until it is asked
                conn.sendall(b'{"class":"DEVICES","devices":[{"path":"/dev/ttyUSB0"}]}\r\n')
                for line in (NORTH_350, NORTH_10):
                    conn.sendall(line.encode() + b"\r\n")
                time.sleep(1)

    server = threading.Thread(target=gpsd, daemon=True)
    server.start()
    feed = GpsFeed(f"gpsd://127.0.0.1:{listener.getsockname()[1]}", reconnect_s=0.2).start()
    try:
        wait_for_fix(feed, 10.0)
    finally:
        feed.close()
        server.join(timeout=5)
    assert asked == [GPSD_WATCH] and feed.skipped == 0


def test_a_receiver_on_a_serial_port() -> None:
    # A pseudo-terminal stands in for the USB receiver's serial port: the unit opens its device path and sets
    # the baud rate, the "receiver" at the other end writes its sentences every 100 ms, as receivers do.
    receiver, port = os.openpty()
    sending = threading.Event()

    def talk() -> None:
        while not sending.is_set():
            for line in (NORTH_350, "garbage", NORTH_10):
                os.write(receiver, line.encode() + b"\r\n")
            time.sleep(0.1)

    talker = threading.Thread(target=talk, daemon=True)
    try:
        feed = GpsFeed(f"serial://{os.ttyname(port)}?baud=9600", reconnect_s=0.2).start()
        talker.start()
        try:
            wait_for_fix(feed, 10.0)
        finally:
            sending.set()
            talker.join(timeout=5)
            feed.close()
    finally:
        os.close(receiver)
        os.close(port)
    assert feed.skipped >= 1  # the garbage line


def test_the_latest_fix_is_aged_by_the_feeds_own_clock() -> None:
    clock = Clock()
    feed = GpsFeed("tcp://127.0.0.1:1", clock=clock)
    assert feed.seconds_since_fix() is None  # nothing heard yet
    feed.add_line(NORTH_10)
    clock.now = T0 + dt.timedelta(seconds=75)
    assert feed.seconds_since_fix() == 75.0
