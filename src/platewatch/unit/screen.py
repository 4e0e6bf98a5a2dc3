"""The officer's alert screen on the car's computer (order V.E.4-5, V.E.8a): a local web page with each alert's
plate image, its sound, the accept and reject keys, and the shift's log-on; served on the loopback address only."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from platewatch.domain import content_policy
from platewatch.domain.alerts import HOTLIST_AGE_WARNING, hotlist_is_stale
from platewatch.domain.unit_health import clock_off, disk_short, gps_lost
from platewatch.unit import uploader
from platewatch.unit.alert_book import AlertBook, AlertBookError, Officer
from platewatch.unit.attendance import Attendance
from platewatch.unit.gps_feed import GpsFeed
from platewatch.unit.sync import ServerSync
from platewatch.unit.uploader import LogonRefused, ServerError

LOOPBACK = ("127.0.0.1", "localhost")
DEFAULT_SCREEN = "127.0.0.1:8089"
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)


class ScreenError(ValueError):
    """The screen cannot be served as asked (an address that is not loopback, a port in use)."""


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """What the status line shows: the hot list's version and age (order V.F.2) and what waits for the server."""

    hotlist_version: int | None = None
    hotlist_created_at: dt.datetime | None = None
    hotlist_error: str | None = None
    reads_waiting: int = 0
    upload_error: str | None = None
    decisions_error: str | None = None
    shift_notice: str | None = None
    """Why the server ended the officer's shift (account disabled, role changed); None otherwise."""
    clock_skew_s: float | None = None
    """The server's clock minus the unit's, in seconds, by the server's last answer (None before one)."""
    gps_receiver: str | None = None
    """The GPS receiver the agent listens to (None: none configured, or a replayed log)."""
    gps_fix_at: dt.datetime | None = None
    """When its latest fix arrived (None: none yet)."""
    reads_without_officer: int = 0
    """Reads taken while nobody was logged on since the agent started (order V.E.8a; the server marks them)."""


@dataclass(frozen=True)
class ScreenServices:
    """What the screen needs from the rest of the unit (the server link and the clock are passed in)."""

    book: AlertBook
    status: Callable[[], UnitStatus]
    log_on: Callable[[str, str, str | None], Officer]
    log_off: Callable[[int, dt.datetime], str | None]
    """Tells the server; raises ServerError when it cannot be reached (the log-off then waits in the book)."""
    decided: Callable[[], None] = lambda: None
    """Called after each key press (the live agent uploads at once)."""
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


class LogonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    otp: str | None = Field(None, max_length=12)


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=24)
    note: str = Field("", max_length=500)


def parse_address(address: str) -> tuple[str, int]:
    """`host:port` on the loopback interface (the screen shows plate data: it is never on the network)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ScreenError(f"the screen address {address!r} is not host:port (e.g. {DEFAULT_SCREEN})")
    if host not in LOOPBACK:
        raise ScreenError(f"the screen is served on the loopback address only (127.0.0.1), not on {host!r}")
    return host, int(port)


FAVICON = Path(__file__).resolve().parents[1] / "server" / "web" / "static" / "favicon.ico"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def create_screen(services: ScreenServices) -> FastAPI:
    """The screen's app. Every key press needs the page's token (`X-Screen-Token`), which another web page open
    in the car's browser cannot read; requests must name the loopback host (no DNS rebinding)."""
    token = secrets.token_urlsafe(24)
    app = FastAPI(title="PlateWatch unit screen", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(LOOPBACK))
    book = services.book

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        del request
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(AlertBookError)
    async def refused(request: Request, exc: AlertBookError) -> JSONResponse:
        del request
        status = {"alert_not_found": 404, "not_logged_on": 401, "invalid_transition": 409, "bad_screen_token": 403}.get(
            exc.code, 422
        )
        return _error(status, exc.code, str(exc))

    def key(x_screen_token: Annotated[str | None, Header()] = None) -> None:
        if x_screen_token is None or not secrets.compare_digest(x_screen_token, token):
            raise AlertBookError("bad_screen_token", "this request does not come from the unit's screen")

    Key = Depends(key)

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        nonce = content_policy.new_nonce()
        html = TEMPLATES.get_template("screen.html").render(token=token, csp_nonce=nonce)
        return HTMLResponse(html, headers={content_policy.HEADER: content_policy.content_policy(nonce)})

    @app.get("/favicon.ico")
    def favicon() -> Response:
        """The browser's icon request: the server pages' icon (the same package), not a 404 on every look."""
        return Response(FAVICON.read_bytes(), media_type="image/vnd.microsoft.icon")

    @app.get("/api/state")
    def state() -> dict[str, Any]:
        now = services.clock()
        status = services.status()
        officer = book.officer()
        # version 0 is the server saying it has no list yet: it has no age (its created_at means nothing)
        created = None if status.hotlist_version == 0 else status.hotlist_created_at
        counts = book.counts()
        return {
            "now": now.isoformat(),
            "officer": None if officer is None else {**asdict(officer), "started_at": officer.started_at.isoformat()},
            "hotlist": {
                "version": status.hotlist_version,
                "created_at": created.isoformat() if created else None,
                "age_hours": None if created is None else round((now - created).total_seconds() / 3600, 1),
                "stale": created is not None and hotlist_is_stale(created, now),
                "stale_after_hours": HOTLIST_AGE_WARNING.total_seconds() / 3600,
                "error": status.hotlist_error,
            },
            "server": {
                "reads_waiting": status.reads_waiting,
                "upload_error": status.upload_error,
                "decisions_error": status.decisions_error,
            },
            "shift_notice": status.shift_notice if officer is None else None,
            "without_officer": {"reads": status.reads_without_officer},
            "clock": {
                "skew_s": None if status.clock_skew_s is None else round(status.clock_skew_s, 1),
                "warning": clock_off(status.clock_skew_s),
            },
            "counts": counts,
            "disk": {"warning": disk_short(shutil.disk_usage(book.path.parent).free, counts["unsaved"])},
            "gps": {"warning": gps_lost(status.gps_receiver, status.gps_fix_at, now)},
            "alerts": [asdict(a) for a in book.listing()],
        }

    @app.get("/alerts/{alert_id}/{which}.jpg")
    def image(alert_id: str, which: str) -> Response:
        if which not in ("plate", "vehicle"):
            return _error(404, "not_found", f"no {which} image")
        data = book.image(alert_id, which)
        if data is None:
            return _error(404, "not_found", f"alert {alert_id} has no {which} image")
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    @app.post("/api/alerts/{alert_id}/accept", dependencies=[Key])
    def accept(alert_id: str) -> dict[str, Any]:
        view = book.decide(alert_id, True, services.clock())
        services.decided()
        return asdict(view)

    @app.post("/api/alerts/{alert_id}/reject", dependencies=[Key])
    def reject(alert_id: str, body: RejectBody) -> dict[str, Any]:
        view = book.decide(alert_id, False, services.clock(), body.reason, body.note)
        services.decided()
        return asdict(view)

    @app.post("/api/logon", dependencies=[Key])
    def log_on(body: LogonBody) -> Any:
        try:
            officer = services.log_on(body.username.strip(), body.password, (body.otp or "").strip() or None)
        except LogonRefused as exc:
            return _error(401, "logon_refused", str(exc))
        except ServerError as exc:
            return _error(503, "server_unreachable", f"log-on needs the server (order V.E.8a): {exc}")
        book.log_on(officer)
        return {**asdict(officer), "started_at": officer.started_at.isoformat()}

    @app.post("/api/logoff", dependencies=[Key])
    def log_off() -> dict[str, Any]:
        when = services.clock()
        officer = book.log_off(when)  # at once on the unit; the server is told when it can be
        if officer is None:
            return {"logged_off": None}
        try:
            services.log_off(officer.shift, when)
            book.logoff_sent(officer.shift)
            told = True
        except ServerError:
            told = False
        return {"logged_off": officer.username, "server_told": told}

    return app


class ScreenServer:
    """The screen's web server in a thread of the unit agent; `close()` stops it."""

    def __init__(
        self, services: ScreenServices, address: str = DEFAULT_SCREEN, on_close: Callable[[], None] = lambda: None
    ) -> None:
        self.host, self.port = parse_address(address)
        self._on_close = on_close
        app = create_screen(services)
        config = uvicorn.Config(app, host=self.host, port=self.port, log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name="unit-screen", daemon=True)

    def _serve(self) -> None:
        with contextlib.suppress(SystemExit):  # uvicorn exits when it cannot bind: `start` reports it
            self._server.run()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ScreenError(f"the screen could not be served on {self.host}:{self.port} (port in use?)")
            time.sleep(0.05)

    def __enter__(self) -> ScreenServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._on_close()


def agent_screen(
    address: str,
    book: AlertBook,
    sync: ServerSync,
    server: str,
    token: str,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    gps: GpsFeed | None = None,
    attendance: Attendance | None = None,
) -> ScreenServer:
    """The screen of the live agent (not started): its status from `sync` (and `gps`, the receiver's feed), log-on
    and log-off through the unit's own HTTP client of the server, and an upload as soon as the officer presses a
    key. `clock` is the unit's; `attendance` counts the reads taken while nobody is logged on."""
    client = uploader.server_client(server, token, timeout=15.0)

    def status() -> UnitStatus:
        hotlist, report, seen = sync.hotlist, sync.report, sync.server_time
        return UnitStatus(
            hotlist_version=hotlist.version if hotlist else None,
            hotlist_created_at=hotlist.created_at if hotlist else None,
            hotlist_error=sync.hotlist_error,
            reads_waiting=report.pending,
            upload_error=report.error,
            decisions_error=sync.decisions_error,
            shift_notice=sync.shift_notice,
            clock_skew_s=None if seen is None else (seen.now() - clock()).total_seconds(),
            gps_receiver=None if gps is None else gps.url,
            gps_fix_at=None if gps is None or (fix := gps.latest()) is None else fix.at,
            reads_without_officer=0 if attendance is None else attendance.without_officer,
        )

    def log_on(username: str, password: str, otp: str | None) -> Officer:
        officer = uploader.log_on(client, username, password, otp)
        sync.shift_notice = None
        sync.nudge(hotlist=True)  # the shift starts with the current hot list (order V.E.8a)
        return officer

    services = ScreenServices(
        book=book,
        status=status,
        log_on=log_on,
        log_off=lambda shift, at: uploader.log_off(client, shift, at),
        decided=sync.nudge,
        clock=clock,
    )
    return ScreenServer(services, address, on_close=client.close)
