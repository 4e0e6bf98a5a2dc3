"""A real PlateWatch server on 127.0.0.1 (uvicorn in a thread) and helpers to act as its users (a pytest plugin)."""

from __future__ import annotations

import base64
import datetime as dt
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pyotp
import pytest
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platewatch.domain.roles import Role
from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import Unit, UnitToken
from platewatch.server.accounts.security import token_digest
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.settings import Settings
from platewatch.server.supervision.models import UnitAssignment
from platewatch.server.training import service as training
from platewatch.server.training.schemas import TrainingCreate
from tests.conftest import Clock

PASSWORD = "correct horse battery staple"
CLIENT_TIMEOUT = 30.0
"""Seconds a test's HTTP client waits for an answer: a log-on (argon2) with the whole suite running on two cores can
take longer than httpx's default 5 s, which is no browser's limit."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_answer(url: str, process: subprocess.Popen[str], seconds: float) -> httpx.Response:
    """GET `url` once the server `process` started answers; raises if it exits or stays silent for `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)


@dataclass
class Person:
    username: str
    role: Role
    password: str
    totp_secret: str | None


@dataclass
class LiveServer:
    url: str
    settings: Settings
    clock: Clock
    sessions: Any
    stop: Callable[[], None] = lambda: None
    """Stop serving before the test ends (the fixture's own stop then does nothing)."""

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=CLIENT_TIMEOUT)

    def db(self) -> Session:
        session: Session = self.sessions()
        return session

    def add_person(self, role: Role, username: str | None = None, trained: bool = True) -> Person:
        """A person with an account (and, unless `trained=False`, a current LPR course: order V.D.2)."""
        name = username or f"{role.value}{uuid.uuid4().hex[:6]}"
        with transaction(self.sessions) as db:
            new = accounts.create_user(db, name, role, password=PASSWORD)
            secret = new.user.totp_secret
            if trained:
                course = TrainingCreate(
                    username=name, course="LPR operator, GO 14-01-117", completed_on=self.clock.now.date(),
                    trainer="Sgt. Trainer",
                )  # fmt: skip
                training.record(db, course, "test", self.clock.now)
        return Person(name, role, PASSWORD, secret)

    def totp(self, person: Person) -> str | None:
        if person.totp_secret is None:
            return None
        return str(pyotp.TOTP(person.totp_secret).at(self.clock.now))

    def login(self, person: Person) -> str:
        self.clock.advance(seconds=31)  # a fresh TOTP step: codes cannot be replayed
        with self.client() as c:
            r = c.post(
                "/api/v1/auth/login",
                json={"username": person.username, "password": person.password, "totp": self.totp(person)},
            )
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def add_unit(self, name: str | None = None) -> str:
        """A patrol car approved as 'Car 12' since 30 days ago (longer than any read is kept): its reads are inside its
        approved deployment (tests of reads outside one approve units themselves, tests/server/test_deployments.py)."""
        with transaction(self.sessions) as db:
            name = name or f"car{uuid.uuid4().hex[:6]}"
            since = self.clock.now - dt.timedelta(days=30)
            _, token = accounts.create_unit(db, name, "mobile", "Car 12", "t", since)
        return token

    def assign(self, unit: str, *people: Person | str, hours: float = 8) -> None:
        """Assign people to a unit (its name or API token) for a shift from now (order V.E.2a): a unit logs on only
        the officers assigned to it. As a supervisor would, without the supervisor's checks."""
        with transaction(self.sessions) as db:
            if unit.startswith("pwu_"):
                unit_id = db.scalar(select(UnitToken.unit_id).where(UnitToken.token_hash == token_digest(unit)))
            else:
                unit_id = db.scalar(select(Unit.id).where(Unit.name == unit))
            assert unit_id is not None, f"no unit {unit[:12]}"
            for person in people:
                name = person if isinstance(person, str) else person.username
                db.add(UnitAssignment(unit_id=unit_id, username=name, starts_at=self.clock.now,
                                      ends_at=self.clock.now + dt.timedelta(hours=hours), kind="assignment",
                                      reason="", assigned_by="test", assigned_at=self.clock.now))  # fmt: skip

    def count(self, model: Any) -> int:
        with self.db() as db:
            return int(db.scalar(select(func.count()).select_from(model)) or 0)

    def image_files(self) -> list[Path]:
        root = self.settings.image_dir
        return [p for p in root.rglob("*.jpg")] if root.exists() else []


@contextmanager
def serving(app: Any, **options: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 in a thread (with uvicorn's `options`: HTTPS with
    `ssl_certfile` and `ssl_keyfile`); yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, **options)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"{'https' if 'ssl_certfile' in options else 'http'}://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(request: pytest.FixtureRequest, database_url: str, tmp_path: Path, clock: Clock) -> Iterator[LiveServer]:
    # No purge of its own: a test that wants one runs it (tests/server/test_retention.py) at a known moment. A test
    # marked `server_settings(name=value, ...)` gets a server with those settings.
    marker = request.node.get_closest_marker("server_settings")
    extra: dict[str, Any] = dict(marker.kwargs) if marker else {}
    # Nor notices of its own: a test of notices runs a round itself (tests/server/test_notices.py).
    extra = {"purge_every_minutes": 0, "notice_check_minutes": 0, **extra}
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", **extra)
    app = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    with ExitStack() as running:
        base = running.enter_context(serving(app))
        yield LiveServer(base, settings, clock, sessions, stop=running.close)
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()


def jpeg(width: int = 120, height: int = 40, seed: int = 0) -> bytes:
    """A real JPEG made by OpenCV: a plate-like white box with dark bars."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width, 3), 235, np.uint8)
    for x in range(8, width - 8, 14):
        cv2.rectangle(img, (x, 8), (x + 8, height - 8), (20, 20, 20), -1)
    img[:] = np.clip(img.astype(int) + rng.integers(-10, 10, img.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return bytes(buf.tobytes())


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def read_payload(
    plate: str = "ABC1234",
    at: dt.datetime | None = None,
    *,
    camera: str = "front",
    lat: float | None = 41.1468,
    lon: float | None = -73.4948,
    images: bool = True,
    seed: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    when = at or dt.datetime.now(dt.UTC)
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "camera": camera,
        "captured_at": when.isoformat(),
        "plate": plate,
        "confidence": 0.93,
        "candidates": [{"plate": plate, "confidence": 0.93}],
        "state": "CT",
        "state_confidence": 0.8,
        "latitude": lat,
        "longitude": lon,
        "heading": 90.0,
        "hotlist_version": 3,
    }
    if images:
        body["plate_image"] = b64(jpeg(seed=seed))
        body["vehicle_image"] = b64(jpeg(320, 240, seed=seed + 1))
    body.update(extra)
    return body


PURPOSE = {"purpose": "stolen vehicle investigation, patrol area 3", "case_number": "2026-001234"}
