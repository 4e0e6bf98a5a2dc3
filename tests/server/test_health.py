"""The health check that monitoring and load balancers poll: no data, no login, and the database's state."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from platewatch import __version__
from platewatch.server.app import create_app
from platewatch.server.db import engine
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import LiveServer, free_port, serving


def test_the_health_check_says_the_server_and_its_database_answer(server: LiveServer) -> None:
    r = httpx.get(f"{server.url}/api/v1/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "version": __version__, "database": "ok"}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_that_does_not_answer_makes_it_503(kind: str, tmp_path: Path, clock: Clock) -> None:
    folder = tmp_path / "not-a-database-file"
    folder.mkdir()
    url = (
        f"sqlite:///{folder}"
        if kind == "sqlite"
        else f"postgresql+psycopg://platewatch@127.0.0.1:{free_port()}/platewatch"  # nobody listens there
    )
    app = create_app(Settings(database_url=url, data_dir=tmp_path / "data", purge_every_minutes=0), clock=clock)
    with serving(app) as base:
        r = httpx.get(f"{base}/api/v1/health")
    assert r.status_code == 503
    assert r.json()["error"] == "database_unavailable" and "database does not answer" in r.json()["message"]
    app.state.engine.dispose()


def test_a_database_host_that_accepts_but_never_answers_is_503_within_the_connect_timeout(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A host that went silent (a dead network path, a hung server) must not hang the check, or every request.
    monkeypatch.setattr(engine, "PG_CONNECT_TIMEOUT_S", 1)  # the default bound, shortened for the test
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    url = f"postgresql+psycopg://platewatch@127.0.0.1:{silent.getsockname()[1]}/platewatch"
    app = create_app(Settings(database_url=url, data_dir=tmp_path / "data", purge_every_minutes=0), clock=clock)
    try:
        with serving(app) as base:
            r = httpx.get(f"{base}/api/v1/health", timeout=30)
        assert r.status_code == 503 and r.json()["error"] == "database_unavailable"
    finally:
        silent.close()
        app.state.engine.dispose()
