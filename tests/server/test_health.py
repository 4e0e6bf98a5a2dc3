"""The health check that monitoring and load balancers poll: no data, no login, and the database's state."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from platewatch import __version__
from platewatch.server.app import create_app
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
