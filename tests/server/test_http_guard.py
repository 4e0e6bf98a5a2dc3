"""Every response carries the security headers; bodies over the limit are refused, announced or streamed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.reads.models import Read
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import LiveServer, serving


def test_security_headers_on_pages_api_and_errors(server: LiveServer) -> None:
    with server.client() as c:
        for path in ("/login", "/api/v1/health", "/api/v1/no-such-route", "/api/v1/reads/search"):
            r = c.get(path)
            assert r.headers["x-content-type-options"] == "nosniff", path
            assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store", path


def test_bodies_over_the_limit_are_refused(database_url: str, tmp_path: Path, clock: Clock) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", request_max_bytes=4096)
    app = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    with serving(app) as base:
        server = LiveServer(base, settings, clock, sessions)
        token = server.add_unit()
        with server.client(token) as c:
            announced = b'{"reads": [' + b" " * 5000 + b"]}"
            r = c.post("/api/v1/reads", content=announced, headers={"content-type": "application/json"})
            assert r.status_code == 413 and r.json()["error"] == "body_too_large"
            assert r.headers["x-content-type-options"] == "nosniff"

            def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked, counted as it arrives
                yield b'{"reads": ['
                for _ in range(10):
                    yield b" " * 1000
                yield b"]}"

            r = c.post("/api/v1/reads", content=chunks(), headers={"content-type": "application/json"})
            assert r.status_code == 413 and r.json()["error"] == "body_too_large", r.text
            small = c.post("/api/v1/reads", content=b'{"reads": []}', headers={"content-type": "application/json"})
            assert small.status_code == 422  # under the limit: the body is read and validated
        assert server.count(Read) == 0
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()
