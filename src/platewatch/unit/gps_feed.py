"""A live GPS receiver for the unit agent: NMEA 0183 sentences over TCP (how in-car routers and many receivers
forward them), read by their own thread into a short track of recent fixes."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

from platewatch.unit.gps import Fix, GpsError, GpsTrack, parse_nmea

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def parse_feed_url(url: str) -> tuple[str, int]:
    """(host, port) of `tcp://host:port`; GpsError naming what is wrong otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "tcp" or not parts.hostname:
        raise GpsError(f"a GPS feed is tcp://host:port, not {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise GpsError(f"the GPS feed's port is not a number: {url!r}") from exc
    if port is None:
        raise GpsError(f"the GPS feed needs a port: {url!r}")
    return parts.hostname, port


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
        self.host, self.port = parse_feed_url(url)
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
                with socket.create_connection((self.host, self.port), timeout=5) as conn:
                    conn.settimeout(1.0)
                    self._read(conn)
            except OSError as exc:
                log.warning("GPS feed %s:%d: %s; retrying in %.0f s", self.host, self.port, exc, self.reconnect_s)
            self._stop.wait(self.reconnect_s)

    def _read(self, conn: socket.socket) -> None:
        pending = b""
        while not self._stop.is_set():
            try:
                chunk = conn.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                return  # the receiver closed the connection
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                self.add_line(raw.decode("ascii", errors="replace"))
            if len(pending) > 4096:  # no line end in sight: not NMEA
                self.skipped += 1
                pending = b""
