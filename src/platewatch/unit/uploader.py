"""Uploads the outbox to the server's ingest (`POST /api/v1/reads`), batch by batch, until it is empty or the
server cannot take more, then the officer's alert decisions; downloads the hot list; logs the officer on and off:
the one module of the unit that speaks HTTP to the server."""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import logging
import shutil
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import certifi
import httpx
import msgspec

from platewatch.unit.alert_book import AlertBook, Officer
from platewatch.unit.outbox import Outbox

log = logging.getLogger(__name__)

INGEST = "/api/v1/reads"
MSGPACK = "application/msgpack"
_MSGPACK = msgspec.msgpack.Encoder()


def as_msgpack(batch: list[dict[str, Any]]) -> bytes:
    """A batch as MessagePack, its images as binary: the outbox keeps them as base64 text, as JSON carries them."""
    reads = [
        {k: base64.b64decode(v) if k in ("plate_image", "vehicle_image") and isinstance(v, str) else v
         for k, v in read.items()}
        for read in batch
    ]  # fmt: skip
    return _MSGPACK.encode({"reads": reads})


HOTLIST = "/api/v1/unit/hotlist"
LOGON = "/api/v1/unit/logon"
LOGOFF = "/api/v1/unit/logoff"
SHIFTS = "/api/v1/unit/shifts/{shift}"
DECISIONS = "/api/v1/unit/alert-decisions"
IDENTITY = "/api/v1/unit/me"
DELETED_WINDOW = dt.timedelta(days=7)
UPLOAD_BATCH = 1000
"""Reads a request carries at most: the server's `PLATEWATCH_INGEST_MAX_BATCH` unless set (issue 23: a request's
fixed costs, its authentication, transaction and contact, spread over more reads)."""
UPLOAD_MAX_BYTES = 16 * 1024 * 1024
"""JSON bytes of reads a request carries at most, whatever their number: a backlog of reads with images goes in
requests well under the server's `PLATEWATCH_REQUEST_MAX_BYTES` (64 MiB) and nginx's limit, and a retry over a
weak link resends at most this."""
DECISIONS_BATCH = 100
"""The unit tells the server how many reads it deleted unsent (past the retention period) in this long."""


class ServerError(RuntimeError):
    """The server could not be asked, or did not answer as expected; the message says why."""


class LogonRefused(ValueError):
    """The server refused the officer's log-on (wrong password or code, locked, a role that cannot decide)."""


URGENT_HEADER = "X-Hotlist-Urgent"
"""The server's mark on any answer when an urgent hot-list change waits for this unit (order V.C.1)."""
READ_FIELDS_HEADER = "X-Read-Fields"
OPTIONAL_READ_FIELDS = frozenset({"found_only"})
"""Fields of a read that an older server refuses (ADR 0025): sent only once an answer names them."""


def one_token(text: str) -> str | None:
    """The API token a token file holds (None unless it holds exactly one, whitespace around it aside)."""
    token = text.strip()
    return token if token and not any(c.isspace() for c in token) else None


def server_client(server_url: str, token: str, timeout: float = 30.0) -> httpx.Client:
    """An HTTP client of the server, authenticated with the unit's API token. Each request says the unit's time
    as it leaves (`X-Unit-Time`), so that supervisors see a unit whose clock is off (its reads' times are)."""
    return httpx.Client(
        base_url=server_url.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
        event_hooks={"request": [_say_unit_time]},
        verify=tls_trust(),
    )


def tls_trust() -> ssl.SSLContext:
    """The certificates a unit trusts for the server's: the operating system's (where IT puts the department's own
    CA, as for every other program: Debian's `update-ca-certificates`), or the file or folder named by SSL_CERT_FILE
    or SSL_CERT_DIR; the public CAs of `certifi` only on a system that has none."""
    context = ssl.create_default_context()
    paths = ssl.get_default_verify_paths()
    if not context.get_ca_certs() and not (paths.capath and any(Path(paths.capath).glob("*.0"))):
        context.load_verify_locations(certifi.where())
    return context


def unreachable(exc: httpx.HTTPError, url: object = None) -> str:
    """Why the server could not be asked, for the officer's screen, the logs and `unit check`."""
    said = f"{'server unreachable' if url is None else f'cannot reach {url}'}: {type(exc).__name__}: {exc}"
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        said += (
            " (the server's certificate is not signed by a CA this computer trusts: add the department's CA to"
            " /usr/local/share/ca-certificates and run update-ca-certificates, or name its file in SSL_CERT_FILE"
            " in /etc/platewatch/unit.env)"
        )
    return said


def _say_unit_time(request: httpx.Request) -> None:
    request.headers["X-Unit-Time"] = dt.datetime.now(dt.UTC).isoformat()


def log_on(client: httpx.Client, username: str, password: str, otp: str | None) -> Officer:
    """Log the officer onto the unit (order V.E.8a): the server checks the credentials as its own log-in does
    and opens a shift on this unit."""
    body = {"username": username, "password": password, "otp": otp or None}
    try:
        response = client.post(LOGON, json=body)
    except httpx.HTTPError as exc:
        raise ServerError(unreachable(exc)) from exc
    if response.status_code in (400, 401, 403, 422, 423):
        raise LogonRefused(_message(response))
    if response.status_code != 200:
        raise ServerError(f"log-on failed ({response.status_code}): {_message(response)}")
    try:
        data = response.json()
        return Officer(
            int(data["shift"]), str(data["username"]), str(data["role"]), dt.datetime.fromisoformat(data["started_at"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ServerError("the log-on answer is not a PlateWatch answer") from exc


def log_off(client: httpx.Client, shift: int, ended_at: dt.datetime) -> str | None:
    """End the officer's shift on the server at the time the officer logged off on the unit (raises ServerError
    when it cannot be told). Returns why the server would not take it (an unknown shift, a time outside it):
    nothing the unit can change, so the log-off is done with."""
    try:
        response = client.post(LOGOFF, json={"shift": shift, "ended_at": ended_at.isoformat()})
    except httpx.HTTPError as exc:
        raise ServerError(unreachable(exc)) from exc
    if response.status_code in (404, 422):
        return _message(response)
    if response.status_code != 200:
        raise ServerError(f"log-off failed ({response.status_code}): {_message(response)}")
    return None


def shift_ended(client: httpx.Client, shift: int) -> str | None:
    """Why the server ended the officer's shift (an account disabled, a role changed), in words for the screen;
    None while it is open. Raises ServerError when the server cannot say."""
    try:
        response = client.get(SHIFTS.format(shift=shift))
    except httpx.HTTPError as exc:
        raise ServerError(unreachable(exc)) from exc
    if response.status_code == 404:
        return _message(response)
    if response.status_code != 200:
        raise ServerError(f"shift check failed ({response.status_code}): {_message(response)}")
    try:
        data = response.json()
        return None if data["ended_at"] is None else str(data["message"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ServerError("the shift answer is not a PlateWatch answer") from exc


@dataclass(frozen=True, slots=True)
class ServerTime:
    """The server's clock as an answer of the server gave it (its `Date` header, to the second), and the unit's
    monotonic clock then."""

    at: dt.datetime
    monotonic: float

    def now(self, monotonic: float | None = None) -> dt.datetime:
        """The server's time now, carried forward by the unit's monotonic clock: a jump of the unit's wall clock (a
        dead battery, a GPS week roll-over, a bad manual setting) does not move it."""
        elapsed = (time.monotonic() if monotonic is None else monotonic) - self.monotonic
        return self.at + dt.timedelta(seconds=elapsed)


def server_time(response: httpx.Response) -> ServerTime | None:
    """The time in an answer's `Date` header (None without a readable one)."""
    try:
        at = email.utils.parsedate_to_datetime(response.headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return ServerTime(at if at.tzinfo else at.replace(tzinfo=dt.UTC), time.monotonic())


@dataclass(frozen=True, slots=True)
class UnitIdentity:
    """Who the server knows the unit as, and its clock against the unit's."""

    name: str
    kind: str
    approved_for: str
    clock_skew_s: float
    """The server's clock minus the unit's, in seconds (positive: the unit's clock is behind)."""
    uncertainty_s: float
    """Half the request's round trip: how far `clock_skew_s` may be off."""


def unit_identity(client: httpx.Client) -> UnitIdentity:
    """Ask the server who this unit is; the server's time in the answer is compared with the unit's clock at the
    middle of the request. Raises ServerError (saying whether the server refused the token or could not be asked)."""
    sent = time.time()
    try:
        response = client.get(IDENTITY)
    except httpx.HTTPError as exc:
        raise ServerError(unreachable(exc, client.base_url)) from exc
    back = time.time()
    if response.status_code == 401:
        raise ServerError(f"the server refuses the unit's token: {_message(response)}")
    if response.status_code == 404:
        raise ServerError(f"{client.base_url} has no PlateWatch unit API (404): is it the server's address?")
    if response.status_code != 200:
        raise ServerError(f"the server answered {response.status_code}: {_message(response)}")
    try:
        data = response.json()
        server_time = dt.datetime.fromisoformat(data["server_time"])
        identity = (str(data["name"]), str(data["kind"]), str(data["approved_for"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise ServerError(f"the answer of {client.base_url} is not a PlateWatch answer") from exc
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=dt.UTC)
    return UnitIdentity(*identity, server_time.timestamp() - (sent + back) / 2, (back - sent) / 2)


@dataclass(frozen=True, slots=True)
class UploadReport:
    delivered: int
    """Reads the server now has (stored now, or already stored by an earlier attempt)."""
    rejected: int
    """Reads the server refused as invalid (kept in the outbox, out of the queue)."""
    pending: int
    """Reads still waiting."""
    error: str | None = None
    """Why the upload stopped before the outbox was empty (the server unreachable, down, or refusing the
    unit's token); None when it emptied."""


class Uploader:
    """Sends the outbox oldest first. Reads leave the outbox only when the server lists them as stored (ingest
    is idempotent by read id, so a batch re-sent after a lost answer is not stored twice)."""

    def __init__(
        self, outbox: Outbox, client: httpx.Client, batch: int = UPLOAD_BATCH, max_bytes: int = UPLOAD_MAX_BYTES
    ) -> None:
        self.outbox, self.client, self.batch, self.max_bytes = outbox, client, batch, max_bytes
        self.server_time: ServerTime | None = None
        """The server's clock from its last hot list or accepted batch (None until one came)."""
        self.gps_fix_age: Callable[[], float | None] | None = None
        """Seconds since the GPS receiver's latest fix (None: none yet), told to the server; unset: no receiver."""
        self.urgent = False
        """The server said an urgent hot-list change waits (an AMBER/SILVER entry, an urgent list): fetch it now."""
        self._refusal = ""
        self.binary = False
        """The server's ingest said it takes MessagePack (`Accept-Post`): batches go with their images as binary,
        a third smaller and without base64 for the server to decode (ADR 0022). JSON until it says so."""
        self.read_fields: frozenset[str] | None = None
        """The optional read fields the server's last ingest or hot-list answer named (`X-Read-Fields`, ADR 0025);
        None before any answer: the first batch carries them, and a server that refuses them (422) gets it again
        without them, as every batch after."""
        client.event_hooks.setdefault("response", []).append(self._note_urgent)

    @classmethod
    def connect(
        cls, outbox: Outbox, server_url: str, token: str, batch: int = UPLOAD_BATCH, timeout: float = 30.0
    ) -> Uploader:
        """An uploader with its own HTTP client, authenticated with the unit's API token."""
        return cls(outbox, server_client(server_url, token, timeout), batch)

    def close(self) -> None:
        self.client.close()

    def _note_urgent(self, response: httpx.Response) -> None:
        if response.headers.get(URGENT_HEADER):
            self.urgent = True

    def __enter__(self) -> Uploader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def download_hotlist(self, since: int | None = None) -> dict[str, Any]:
        """The server's current hot list for this unit (the snapshot JSON): whole, or with `since` the changes
        from that version (the server answers with the whole list when it cannot)."""
        try:
            params = {"since": since} if since is not None else None
            response = self.client.get(HOTLIST, params=params, headers=self._backlog())
        except httpx.HTTPError as exc:
            raise ServerError(unreachable(exc)) from exc
        if response.status_code != 200:
            raise ServerError(f"hot list refused ({response.status_code}): {_message(response)}")
        try:
            body = response.json()
        except ValueError as exc:  # a captive portal or a proxy's page, not the server
            raise ServerError("the hot list answer is not JSON: is this the PlateWatch server?") from exc
        if not isinstance(body, dict):
            raise ServerError("the hot list answer is not a JSON object")
        self.server_time = server_time(response) or self.server_time
        self._note_read_fields(response)  # the hot list comes before the first upload
        return body

    def _note_read_fields(self, response: httpx.Response) -> None:
        """The optional read fields this server's answer names (`X-Read-Fields`; none when it names none)."""
        named = response.headers.get(READ_FIELDS_HEADER, "")
        self.read_fields = OPTIONAL_READ_FIELDS & {f.strip() for f in named.split(",")}

    def upload(self) -> UploadReport:
        delivered = rejected = 0
        error: str | None = None
        while batch := self.outbox.pending(self.batch, self.max_bytes):
            outcome = self._send(batch)
            if isinstance(outcome, str):
                error = outcome
                break
            delivered += outcome[0]
            rejected += outcome[1]
        stats = self.outbox.stats()
        if error:
            log.warning("upload stopped: %s (%d reads waiting)", error, stats.pending)
        return UploadReport(delivered, rejected, stats.pending, error)

    def send_decisions(self, book: AlertBook) -> str | None:
        """Send the officer's decisions that the server does not have yet (after the reads, which they name);
        returns why it stopped early, or None. A decision whose read has not reached the server yet waits; one
        the server cannot read (422) is set aside with its reason, and the others go on."""
        while waiting := book.waiting(min(self.batch, DECISIONS_BATCH)):
            answer = self._post_decisions(waiting)
            if isinstance(answer, str):
                return answer
            if answer is None:  # the batch holds a decision the server cannot read: find it
                for item in waiting:
                    single = self._post_decisions([item])
                    if isinstance(single, str):
                        return single
                    book.settle(single or [{"id": item["id"], "outcome": "refused", "message": self._refusal}])
                continue
            if not book.settle(answer):
                return None  # the rest wait for their reads
        return None

    def send_logoffs(self, book: AlertBook) -> str | None:
        """Tell the server of log-offs made while it could not be reached (after the decisions of the shift);
        returns why it stopped early, or None."""
        for shift, ended_at in book.logoffs_waiting():
            try:
                refused = log_off(self.client, shift, ended_at)
            except ServerError as exc:
                return str(exc)
            if refused:
                log.warning("log-off of shift %d not taken by the server: %s", shift, refused)
            book.logoff_sent(shift)
        return None

    def _post_decisions(self, items: list[dict[str, Any]]) -> list[dict[str, Any]] | str | None:
        """The server's results, None for a 422 (its message in `_refusal`), or why nothing can be sent now."""
        try:
            response = self.client.post(DECISIONS, json={"decisions": items}, headers=self._backlog())
        except httpx.HTTPError as exc:
            return unreachable(exc)
        if response.status_code == 422:
            self._refusal = _message(response)
            return None
        if response.status_code != 200:
            return f"decisions not taken ({response.status_code}): {_message(response)}"
        try:
            results = response.json()["results"]
        except (ValueError, KeyError, TypeError):
            return "the server's answer to the decisions is not a PlateWatch answer"
        return list(results) if isinstance(results, list) else "the server's answer has no list of results"

    def _backlog(self, sending: int = 0) -> dict[str, str]:
        """The reads that will still wait after this request, those deleted unsent in the last week, the free space
        beside the outbox (MiB) and the reads it could not store, for the server's unit status (order V.E.2h)."""
        now = self.server_time.now() if self.server_time else dt.datetime.now(dt.UTC)
        week = self.outbox.deleted_since(now - DELETED_WINDOW)
        free = shutil.disk_usage(self.outbox.path.parent).free // 2**20
        pending = max(0, self.outbox.stats().pending - sending)
        said = {
            "X-Outbox-Pending": str(pending),
            "X-Outbox-Deleted": str(week),
            "X-Disk-Free-MiB": str(free),
            "X-Reads-Lost": str(self.outbox.lost),
        }
        if self.gps_fix_age is not None:
            age = self.gps_fix_age()
            said["X-GPS-Fix-Age-S"] = "none" if age is None else str(int(age))
        return said

    def _send(self, batch: list[dict[str, Any]]) -> tuple[int, int] | str:
        """(delivered, rejected) for a batch, or why nothing more can be sent now."""
        ids = [str(r["id"]) for r in batch]
        unknown = OPTIONAL_READ_FIELDS - self.read_fields if self.read_fields is not None else frozenset()
        sending = [{k: v for k, v in r.items() if k not in unknown} for r in batch] if unknown else batch
        try:
            headers = self._backlog(len(batch))
            if self.binary:
                headers["Content-Type"] = MSGPACK
                response = self.client.post(INGEST, content=as_msgpack(sending), headers=headers)
            else:
                response = self.client.post(INGEST, json={"reads": sending}, headers=headers)
        except httpx.HTTPError as exc:
            error = unreachable(exc)
            self.outbox.failed(ids, error)
            return error
        if response.status_code == 200:
            self.server_time = server_time(response) or self.server_time
            self.binary = MSGPACK in response.headers.get("Accept-Post", "")
            self._note_read_fields(response)
            try:
                body = response.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):  # a captive portal or a proxy's page: keep every read
                error = "the server's answer is not a PlateWatch answer (not a JSON object)"
                self.outbox.failed(ids, error)
                return error
            have = [str(i) for i in body.get("stored", []) + body.get("already_stored", [])]
            self.outbox.delivered(have)
            missing = set(ids) - set(have)
            if missing:  # not a server of this API: keep them rather than lose them
                error = f"the server did not confirm {len(missing)} reads of a batch of {len(ids)}"
                self.outbox.failed(sorted(missing), error)
                return error
            return len(have), 0
        if response.status_code in (401, 403):
            error = f"the server refused the unit's token ({response.status_code}): {_message(response)}"
            self.outbox.failed(ids, error)
            return error
        if self.binary and response.status_code in (400, 415):  # a server that no longer takes MessagePack
            self.binary = False  # (one put back to an older version): the same batch again, as JSON
            return self._send(batch)
        if response.status_code == 422 and any(not OPTIONAL_READ_FIELDS.isdisjoint(r) for r in sending):
            self.read_fields = frozenset()  # a server without these fields (an older version): the batch again
            return self._send(batch)  # without them
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            if len(batch) == 1:  # this read itself is refused: set it aside, the queue goes on
                self.outbox.reject(ids[0], f"{response.status_code}: {_message(response)}")
                log.warning("read %s refused by the server (%d)", ids[0], response.status_code)
                return 0, 1
            totals = [0, 0]
            for read in batch:  # the batch is all-or-nothing: find the refused read(s) one by one
                outcome = self._send([read])
                if isinstance(outcome, str):
                    return outcome
                totals[0] += outcome[0]
                totals[1] += outcome[1]
            return totals[0], totals[1]
        error = f"server error {response.status_code}: {_message(response)}"
        self.outbox.failed(ids, error)
        return error


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        details = "; ".join(str(d.get("message", d)) for d in body.get("details", [])[:3] if isinstance(d, dict))
        return str(body.get("message", body)) + (f" ({details})" if details else "")
    return str(body)[:300]
