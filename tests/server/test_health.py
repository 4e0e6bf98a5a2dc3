"""The health check that monitoring and load balancers poll: no data, no login, and the database's state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from platewatch import __version__
from platewatch.server.app import create_app
from platewatch.server.db import engine
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import LiveServer, serving
from tests.support.tcp_relay import TcpRelay


def test_the_health_check_says_the_server_and_its_database_answer(server: LiveServer) -> None:
    r = httpx.get(f"{server.url}/api/v1/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "version": __version__, "database": "ok"}


def test_a_sqlite_database_that_cannot_be_opened_makes_it_503(tmp_path: Path, clock: Clock) -> None:
    folder = tmp_path / "not-a-database-file"
    folder.mkdir()
    settings = Settings(database_url=f"sqlite:///{folder}", data_dir=tmp_path / "data", purge_every_minutes=0)
    app = create_app(settings, clock=clock)
    with serving(app) as base:
        r = httpx.get(f"{base}/api/v1/health")
    assert r.status_code == 503
    assert r.json()["error"] == "database_unavailable" and "database does not answer" in r.json()["message"]
    app.state.engine.dispose()


@contextmanager
def through_a_relay(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[tuple[str, TcpRelay]]:
    """A server whose PostgreSQL is reached through a relay the test can break; yields its URL and the relay."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("a network path to the database: PostgreSQL only")
    url = make_url(database_url)
    relay = TcpRelay((url.host or "127.0.0.1", url.port or 5432))
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    app = create_app(Settings(database_url=relayed, data_dir=tmp_path / "data", purge_every_minutes=0), clock=clock)
    try:
        with serving(app) as base:
            assert httpx.get(f"{base}/api/v1/health").status_code == 200
            yield base, relay
    finally:
        relay.close()
        app.state.engine.dispose()


def test_a_database_that_goes_down_makes_it_503(database_url: str, tmp_path: Path, clock: Clock) -> None:
    with through_a_relay(database_url, tmp_path, clock) as (base, relay):
        relay.refuse()
        r = httpx.get(f"{base}/api/v1/health")
    assert r.status_code == 503
    assert r.json()["error"] == "database_unavailable" and "database does not answer" in r.json()["message"]


def test_a_database_host_that_accepts_but_never_answers_is_503_within_the_connect_timeout(
    database_url: str, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A host that went silent (a dead network path, a hung server) must not hang the check, or every request.
    monkeypatch.setattr(engine, "PG_CONNECT_TIMEOUT_S", 1)  # the default bound, shortened for the test
    with through_a_relay(database_url, tmp_path, clock) as (base, relay):
        relay.silence()
        r = httpx.get(f"{base}/api/v1/health", timeout=30)
    assert r.status_code == 503 and r.json()["error"] == "database_unavailable"


def test_postgresql_connections_carry_the_tcp_bounds_and_the_url_may_change_them(database_url: str) -> None:
    # What libpq was given (the behaviour needs a packet black hole, which cannot be made here without privileges).
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("libpq's TCP settings: PostgreSQL only")
    for url, idle in ((database_url, "30"), (f"{database_url}?keepalives_idle=5", "5")):
        made = engine.make_engine(url)
        try:
            with made.connect() as conn:
                given = conn.connection.dbapi_connection.info.get_parameters()
        finally:
            made.dispose()
        assert given["keepalives"] == "1" and given["tcp_user_timeout"] == "30000", given
        assert given["keepalives_idle"] == idle and given["keepalives_count"] == "3", given
