"""The live unit's link to the server, in its own thread: the outbox uploaded every few seconds and the hot list
checked every few minutes; an outage only delays both, and recognition never waits for the network."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from platewatch.domain.retention import RetentionPolicy
from platewatch.unit.alert_book import AlertBook
from platewatch.unit.hotlist import HotListError, UnitHotList
from platewatch.unit.outbox import Outbox
from platewatch.unit.uploader import ServerError, ServerTime, Uploader, UploadReport, shift_ended

log = logging.getLogger(__name__)


class ServerSync:
    """Uploads and hot-list checks on a timer. `hotlist` is the newest verified copy (None until one came);
    `close()` stops the thread after a last upload and returns its report."""

    def __init__(
        self,
        outbox: Path,
        server: str,
        token: str,
        upload_every: float = 10.0,
        hotlist_every: float = 300.0,
        retention: RetentionPolicy = RetentionPolicy(),
        book: AlertBook | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        gps_fix_age: Callable[[], float | None] | None = None,
    ) -> None:
        self.hotlist: UnitHotList | None = None
        self.hotlist_error: str | None = None
        self.full_downloads = 0
        self.deltas = 0
        """Hot-list answers applied: whole lists and deltas (on a cellular link the difference is the NCIC file)."""
        self.report = UploadReport(0, 0, 0, None)
        """Reads delivered and rejected since the sync started (each upload adds its own), and what waits now."""
        self.expired = 0
        """Reads deleted unsent because they passed the retention period (an outage of more than 14 days)."""
        self.decisions_error: str | None = None
        """Why the officer's last decisions could not all be sent (None when they were)."""
        self.shift_notice: str | None = None
        """Why the server ended the officer's shift, for the screen (None until it does; a log-on clears it)."""
        self.server_time: ServerTime | None = None
        """The server's clock as its last answer gave it (None until one came)."""
        self._retention = retention
        self._book = book
        self._clock = clock
        """The unit's wall clock: what expiry falls back on before the server has said its time."""
        self._gps_fix_age = gps_fix_age
        self._wake = threading.Event()
        self._nudged = False
        self._nudge_hotlist = False
        self._outbox, self._server, self._token = outbox, server, token
        self._upload_every, self._hotlist_every = upload_every, hotlist_every
        self._stop = threading.Event()
        self._first_check = threading.Event()
        self._thread = threading.Thread(target=self._run, name="server-sync", daemon=True)
        self._thread.start()

    def __enter__(self) -> ServerSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_for_hotlist(self, timeout: float = 15.0) -> UnitHotList | None:
        """The hot list once the first check is done (None when the server could not give one)."""
        self._first_check.wait(timeout)
        return self.hotlist

    def nudge(self, hotlist: bool = False) -> None:
        """Upload now rather than at the next period (the officer pressed a key dispatch is waiting for); with
        `hotlist`, ask for the hot list too (an officer logged on: order V.E.8a)."""
        self._nudged = True
        self._nudge_hotlist = self._nudge_hotlist or hotlist
        self._wake.set()

    def close(self) -> UploadReport:
        self._stop.set()
        self._wake.set()
        self._thread.join()
        return self.report

    def _run(self) -> None:
        with Outbox(self._outbox) as box, Uploader.connect(box, self._server, self._token) as uploader:
            uploader.gps_fix_age = self._gps_fix_age
            next_upload = time.monotonic() + self._upload_every
            next_check = time.monotonic()
            while not self._stop.is_set():
                now = time.monotonic()
                if self._nudged:
                    self._nudged = False
                    next_upload = now
                    if self._nudge_hotlist:
                        self._nudge_hotlist = False
                        next_check = now
                if now >= next_check:
                    self._guarded(self._check_hotlist, uploader)
                    self._guarded(self._expire, uploader)
                    next_check = now + self._hotlist_every
                if now >= next_upload:
                    self._guarded(self._upload, uploader)
                    self._guarded(self._check_shift, uploader)
                    next_upload = now + self._upload_every
                if uploader.urgent:  # an AMBER alert or an urgent list: now, not at the next check (order V.C.1)
                    uploader.urgent = False
                    self._guarded(self._check_hotlist, uploader)
                    next_check = time.monotonic() + self._hotlist_every
                self._wake.wait(max(0.0, min(next_upload, next_check) - time.monotonic()))
                self._wake.clear()
            self._guarded(self._upload, uploader)

    def _expire(self, uploader: Uploader) -> None:
        """Delete what passed the retention period by the server's time, carried forward from its last answer (a
        unit whose clock jumped ahead must not delete evidence it still owes); by the unit's clock before any."""
        seen = uploader.server_time
        now = seen.now() if seen else self._clock()
        cutoff = self._retention.cutoff(now)
        if self._book is not None:
            self._book.expire(cutoff)
        gone = uploader.outbox.expire(cutoff, now)
        if gone:
            self.expired += gone
            log.warning("%d reads older than %d days deleted unsent (order V.D.3)", gone, self._retention.days)

    def _upload(self, uploader: Uploader) -> None:
        self.report = running_total(self.report, uploader.upload())
        if self._book is not None:
            self.decisions_error = uploader.send_decisions(self._book) or uploader.send_logoffs(self._book)

    def _check_shift(self, uploader: Uploader) -> None:
        """Log the officer off when the server ended their shift (after their decisions went up, so none taken
        while they could is lost). An unreachable server says nothing: the officer stays until it can."""
        if self._book is None or (officer := self._book.officer()) is None:
            return
        try:
            why = shift_ended(uploader.client, officer.shift)
        except ServerError as exc:
            log.debug("shift check skipped: %s", exc)
            return
        if why is not None and self._book.ended_by_server(officer.shift) is not None:
            self.shift_notice = why
            log.warning("the server ended shift %d: the officer is logged off", officer.shift)

    def _guarded(self, step: Callable[[Uploader], None], uploader: Uploader) -> None:
        """A step that fails unexpectedly (a full disk, a server answering nonsense) is logged and tried again on
        the next round: the thread that carries every read to the server must not die."""
        try:
            step(uploader)
        except Exception as exc:  # any failure: the reads stay in the outbox
            log.error("server sync step %s failed: %s", step.__name__, type(exc).__name__)
        self.server_time = uploader.server_time

    def _check_hotlist(self, uploader: Uploader) -> None:
        try:
            fresh = self._newer(uploader)
        except (ServerError, HotListError) as exc:
            self.hotlist_error = str(exc)
            log.warning("hot list not updated (%s); version %s stays", exc, getattr(self.hotlist, "version", None))
        else:
            if self.hotlist is None or fresh.version != self.hotlist.version:
                log.info("hot list version %d: %d plates", fresh.version, fresh.index.size)
            self.hotlist, self.hotlist_error = fresh, None
        finally:
            self._first_check.set()

    def _newer(self, uploader: Uploader) -> UnitHotList:
        """Only the changes since the unit's version when it has one (a few entries instead of the whole NCIC
        file); the whole list when the changes do not give the server's hash."""
        current = self.hotlist
        if current is not None and current.version >= 1:  # version 0: the server had no list yet
            try:
                answer = uploader.download_hotlist(since=current.version)
                fresh = current.apply(answer)
            except HotListError as exc:
                log.warning("hot list delta refused (%s): downloading the whole list", exc)
            else:
                if answer.get("full", False):
                    self.full_downloads += 1
                else:
                    self.deltas += 1
                return fresh
        fresh = UnitHotList.from_snapshot(uploader.download_hotlist())
        self.full_downloads += 1
        return fresh


def running_total(before: UploadReport, latest: UploadReport) -> UploadReport:
    """The session's report after one more upload: delivered and rejected add up; waiting and the error are the
    latest upload's."""
    return UploadReport(before.delivered + latest.delivered, before.rejected + latest.rejected, latest.pending,
                        latest.error)  # fmt: skip
