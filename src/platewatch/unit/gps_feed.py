"""A live GPS receiver for the unit agent: NMEA 0183 sentences over TCP (how in-car routers and many receivers
forward them), from gpsd, or from a serial port, read by their own thread into a short track of recent fixes."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import termios
import threading
import time
import tty
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

from platewatch.unit.gps import Fix, GpsError, GpsTrack, parse_nmea

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


GPSD_PORT = 2947
GPSD_WATCH = b'?WATCH={"enable":true,"nmea":true};\n'
"""Asks gpsd for the receiver's NMEA sentences (it then also sends JSON status lines, which are skipped)."""
BAUDS = {4800: termios.B4800, 9600: termios.B9600, 19200: termios.B19200, 38400: termios.B38400,
         57600: termios.B57600, 115200: termios.B115200}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeedAddress:
    """Where the fixes come from: `tcp` (NMEA over TCP), `gpsd`, or a `serial` device at `baud`."""

    kind: str
    host: str = ""
    port: int = 0
    device: str = ""
    baud: int = 4800


def parse_feed_url(url: str) -> FeedAddress:
    """`tcp://host:port`, `gpsd://host[:port]` or `serial:///dev/ttyUSB0[?baud=4800]`; GpsError naming what is
    wrong otherwise."""
    parts = urlsplit(url)
    usage = "a GPS feed is tcp://host:port, gpsd://host[:port] or serial:///dev/DEVICE[?baud=4800]"
    if parts.scheme == "serial":
        if not parts.path.startswith("/dev/"):
            raise GpsError(f"{usage}: the serial device must be under /dev, not {url!r}")
        baud = parse_qs(parts.query).get("baud", ["4800"])[0]
        if not baud.isdigit() or int(baud) not in BAUDS:
            raise GpsError(f"the GPS baud rate {baud!r} is not one of {', '.join(map(str, BAUDS))}")
        return FeedAddress("serial", device=parts.path, baud=int(baud))
    if parts.scheme not in ("tcp", "gpsd") or not parts.hostname:
        raise GpsError(f"{usage}, not {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise GpsError(f"the GPS feed's port is not a number: {url!r}") from exc
    if port is None and parts.scheme == "tcp":
        raise GpsError(f"the GPS feed needs a port: {url!r}")
    return FeedAddress(parts.scheme, parts.hostname, port or GPSD_PORT)


class GpsFeed:
    """Fixes from a receiver as they come. Each fix is stamped with the unit's clock when it arrives (the
    receiver's own time is not trusted to agree with the unit's to the second), and the last `keep` of them are
    kept; `at(when)` is the position then, or None when the receiver gave none near that time. A lost
    connection is retried every `reconnect_s`."""

    def __init__(
        self,
        url: str,
        keep: dt.timedelta = dt.timedelta(minutes=10),
        reconnect_s: float = 2.0,
        clock: Clock = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.address = parse_feed_url(url)
        self.url = url
        self.keep, self.reconnect_s, self.clock = keep, reconnect_s, clock
        self.skipped = 0
        self._fixes: deque[Fix] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gps", daemon=True)

    def start(self) -> GpsFeed:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def latest(self) -> Fix | None:
        with self._lock:
            return self._fixes[-1] if self._fixes else None

    def seconds_since_fix(self) -> float | None:
        """How old the latest fix is by the feed's own clock (None: none yet), for the server's unit status."""
        fix = self.latest()
        return None if fix is None else (self.clock() - fix.at).total_seconds()

    def at(self, when: dt.datetime) -> Fix | None:
        with self._lock:
            fixes = list(self._fixes)
        return GpsTrack(fixes).at(when) if fixes else None

    def add_line(self, line: str) -> None:
        """One line from the receiver: a valid RMC fix joins the track, stamped now."""
        parsed = parse_nmea([line])
        self.skipped += parsed.skipped
        for fix in parsed.fixes:
            now = self.clock()
            with self._lock:
                self._fixes.append(replace(fix, at=now))
                while self._fixes and now - self._fixes[0].at > self.keep:
                    self._fixes.popleft()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._connect() as chunks:
                    self._read(chunks)
            except OSError as exc:
                log.warning("GPS feed %s: %s; retrying in %.0f s", self.url, exc, self.reconnect_s)
            self._stop.wait(self.reconnect_s)

    @contextmanager
    def _connect(self) -> Iterator[Iterator[bytes | None]]:
        """The receiver's bytes as they come (None: nothing for a second; the iterator ends when it hangs up)."""
        a = self.address
        if a.kind == "serial":
            fd = os.open(a.device, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
            try:
                tty.setraw(fd, termios.TCSANOW)
                attrs = termios.tcgetattr(fd)
                attrs[4] = attrs[5] = BAUDS[a.baud]  # input and output speed
                termios.tcsetattr(fd, termios.TCSANOW, attrs)
                yield _device_chunks(fd, self._stop)
            finally:
                os.close(fd)
            return
        with socket.create_connection((a.host, a.port), timeout=5) as conn:
            conn.settimeout(1.0)
            if a.kind == "gpsd":
                conn.sendall(GPSD_WATCH)
            yield _socket_chunks(conn, self._stop)

    def _read(self, chunks: Iterator[bytes | None]) -> None:
        pending = b""
        for chunk in chunks:
            if chunk is None:
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                if raw.lstrip().startswith(b"{"):  # gpsd's JSON status lines
                    continue
                self.add_line(raw.decode("ascii", errors="replace"))
            if len(pending) > 4096:  # no line end in sight: not NMEA
                self.skipped += 1
                pending = b""


def _socket_chunks(conn: socket.socket, stop: threading.Event) -> Iterator[bytes | None]:
    while not stop.is_set():
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            yield None
            continue
        if not chunk:
            return  # the receiver closed the connection
        yield chunk


def _device_chunks(fd: int, stop: threading.Event) -> Iterator[bytes | None]:
    while not stop.is_set():
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            time.sleep(0.05)
            yield None
            continue
        if not chunk:
            time.sleep(0.05)  # a serial line with nothing to say (or a pty whose writer is gone)
            yield None
            continue
        yield chunk
