"""Searches, maps, exports and reports on PostgreSQL hot standbys (issue 23 item 5): two real clusters with streaming
replication on 127.0.0.1, started here; the query log and every write stay on the primary; a standby that lags or is
down is skipped, and the answer says so."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from platewatch.domain.roles import Role
from platewatch.server.app import create_app
from platewatch.server.db import replicas
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.db.migrate import upgrade
from platewatch.server.querylog.models import QueryLogEntry
from platewatch.server.settings import Settings
from tests.conftest import BACKENDS, REPO, Clock
from tests.support.live_server import PURPOSE, LiveServer, read_payload, serving

needs_postgresql = pytest.mark.skipif("postgresql" not in BACKENDS, reason="streaming replication is PostgreSQL's")

CLUSTER = REPO / "scripts" / "pg_cluster.sh"
HEADER = "x-platewatch-served-by"


@dataclass(frozen=True)
class Pair:
    primary_dir: Path
    standby_dir: Path
    primary_url: str
    standby_url: str


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """A primary (full-page writes on, as a base backup needs) and its hot standby, a database migrated on the
    primary as a template."""
    primary_dir = Path(tempfile.mkdtemp(prefix="pw-primary."))
    standby_dir = Path(tempfile.mkdtemp(prefix="pw-standby."))
    try:
        env = {**os.environ, "PG_CLUSTER_OPTS": "-c full_page_writes=on"}
        primary = _run(str(CLUSTER), "start", str(primary_dir), env=env)
        admin = create_engine(primary, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "template_pw"'))
        admin.dispose()
        upgrade(make_url(primary).set(database="template_pw").render_as_string(hide_password=False))
        standby = _run(str(CLUSTER), "replica", str(primary_dir), str(standby_dir))
        yield Pair(primary_dir, standby_dir, primary, standby)
    finally:
        _run(str(CLUSTER), "stop", str(standby_dir))
        _run(str(CLUSTER), "stop", str(primary_dir))


def _on(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


@contextmanager
def _replicated_server(pair: Pair, tmp_path: Path, clock: Clock, **settings: Any) -> Iterator[LiveServer]:
    """A live server on a fresh database of the primary (copied from the template; the standby gets it too), with
    the standby as its replica."""
    name = f"r_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pair.primary_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "template_pw"'))
    admin.dispose()
    primary, standby = _on(pair.primary_url, name), _on(pair.standby_url, name)
    _wait(lambda: _standby_answers(standby), "the standby to have the new database")
    config = Settings(
        database_url=primary, database_replica_urls=standby, data_dir=tmp_path / "data", purge_every_minutes=0,
        notice_check_minutes=0, **settings,
    )  # fmt: skip
    app = create_app(config, clock=clock)
    sessions = make_sessionmaker(make_engine(primary))
    with ExitStack() as running:
        base = running.enter_context(serving(app))
        live = LiveServer(base, config, clock, sessions, stop=running.close)
        live.app = app  # type: ignore[attr-defined]
        yield live
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()


def _standby_answers(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1
    except Exception:
        return False
    finally:
        engine.dispose()


def _wait(ready: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def _on_standby(server: LiveServer, sql: str) -> Any:
    engine = create_engine(str(server.settings.replica_urls[0]), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _replayed_all(server: LiveServer) -> bool:
    return bool(_on_standby(server, "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"))


def _ingest(server: LiveServer, unit: str, *plates: str) -> list[str]:
    at = server.clock.now - dt.timedelta(minutes=1)
    reads = [read_payload(p, at, images=False) for p in plates]
    with server.client(unit) as c:
        assert c.post("/api/v1/reads", json={"reads": reads}).status_code == 200
    return [str(r["id"]) for r in reads]


def _search(client: Any, plate: str) -> Any:
    return client.get("/api/v1/reads/search", params={"plate": plate, "hours": 24, **PURPOSE})


def _searches_logged(server: LiveServer) -> int:
    with server.db() as db:
        return int(db.scalar(select(func.count()).where(QueryLogEntry.action == "search")) or 0)


@needs_postgresql
def test_searches_maps_exports_and_reports_read_a_fresh_standby_and_the_query_log_stays_on_the_primary(
    pair: Pair, tmp_path: Path, clock: Clock
) -> None:
    with _replicated_server(pair, tmp_path, clock, replica_max_lag_seconds=3600) as server:
        unit = server.add_unit("car-12")
        token = server.login(server.add_person(Role.SUPERVISOR))  # searches, exports and reports
        _ingest(server, unit, "ABC1234", "XYZ0001")
        _wait(lambda: _on_standby(server, "SELECT count(*) FROM reads") == 2, "the standby to replay the reads")
        _on_standby(server, "SELECT pg_wal_replay_pause()")
        try:
            (fresh,) = _ingest(server, unit, "NEW0001")  # on the primary only, while the standby does not replay
            with server.client(token) as c:
                before = _searches_logged(server)
                r = _search(c, "NEW0001")
                assert r.status_code == 200, r.text
                # the standby answered (it has not replayed NEW0001), and the search's row is on the primary
                assert r.headers[HEADER].startswith("replica 1; lag=")
                assert r.json()["count"] == 0
                assert _searches_logged(server) == before + 1
                assert _search(c, "ABC1234").json()["count"] == 1
                mapped = c.get("/api/v1/reads/map", params={"hours": 24, "unit": "car-12", **PURPOSE})
                assert mapped.status_code == 200, mapped.text
                assert mapped.headers[HEADER].startswith("replica 1") and mapped.json()["reads"] == 2
                exported = c.get("/api/v1/reads/export.csv", params={"hours": 24, "unit": "car-12", **PURPOSE})
                assert exported.status_code == 200 and exported.headers[HEADER].startswith("replica 1")
                assert "NEW0001" not in exported.text and "XYZ0001" in exported.text
                report = c.get("/api/v1/reports/metrics")
                assert report.status_code == 200 and report.headers[HEADER].startswith("replica 1")
                # a read's own page is not a search: it comes from the primary, so a fresh read always opens
                opened = c.get(f"/api/v1/reads/{fresh}", params=PURPOSE)
                assert opened.status_code == 200 and HEADER not in opened.headers
        finally:
            _on_standby(server, "SELECT pg_wal_replay_resume()")
        _wait(lambda: _on_standby(server, "SELECT count(*) FROM reads") == 3, "the standby to catch up")
        server.app.state.platewatch.replicas.forget()  # type: ignore[attr-defined]
        with server.client(token) as c:
            r = _search(c, "NEW0001")
            assert r.headers[HEADER].startswith("replica 1") and r.json()["count"] == 1


@needs_postgresql
def test_a_restricted_person_is_restricted_on_the_standby_too(pair: Pair, tmp_path: Path, clock: Clock) -> None:
    """ADR 0018 on a standby: the standby's session carries the request's restriction (order IV.B.4)."""
    with _replicated_server(pair, tmp_path, clock) as server:
        unit = server.add_unit("car-12")
        old = read_payload("OLD0001", server.clock.now - dt.timedelta(days=3), images=False)
        with server.client(unit) as c:
            assert c.post("/api/v1/reads", json={"reads": [old]}).status_code == 200
        officer = server.add_person(Role.OFFICER)
        with server.client(server.login(server.add_person(Role.ADMINISTRATOR))) as c:
            path = f"/api/v1/users/{officer.username}/restriction"
            assert c.put(path, json={"newer_than_days": 1}).status_code == 200
        _wait(lambda: _on_standby(server, "SELECT count(*) FROM reads") == 1, "the standby to replay the read")
        week = {"plate": "OLD0001", "hours": 24 * 7, **PURPOSE}
        with server.client(server.login(server.add_person(Role.INVESTIGATOR))) as c:
            r = c.get("/api/v1/reads/search", params=week)
            assert r.headers[HEADER].startswith("replica 1") and r.json()["count"] == 1
        with server.client(server.login(officer)) as c:
            r = c.get("/api/v1/reads/search", params=week)
            assert r.headers[HEADER].startswith("replica 1") and r.json()["count"] == 0  # older than their window


@needs_postgresql
def test_a_standby_too_far_behind_is_skipped_and_the_page_says_so(pair: Pair, tmp_path: Path, clock: Clock) -> None:
    with _replicated_server(pair, tmp_path, clock, replica_max_lag_seconds=0.5) as server:
        unit = server.add_unit("car-12")
        token = server.login(server.add_person(Role.INVESTIGATOR))
        _wait(lambda: _replayed_all(server), "the standby to replay the setup")
        _on_standby(server, "SELECT pg_wal_replay_pause()")
        try:
            _ingest(server, unit, "NEW0001")
            lag = "SELECT EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
            _wait(lambda: float(_on_standby(server, lag)) > 1.0, "the standby to fall behind")
            server.app.state.platewatch.replicas.forget()  # type: ignore[attr-defined]
            with server.client(token) as c:
                r = _search(c, "NEW0001")
                assert r.status_code == 200
                said = r.headers[HEADER]
                assert said.startswith("primary; served by the primary database: replica 1 is "), said
                assert "s behind (more than 0.5 s)" in said
                assert r.json()["count"] == 1  # the primary has it
                shown = c.get("/search/results", params={"plate": "NEW0001", "hours": 24, **PURPOSE})
                assert shown.status_code == 200
                assert 'id="served-by"' in shown.text and "replica 1 is " in shown.text
        finally:
            _on_standby(server, "SELECT pg_wal_replay_resume()")


@needs_postgresql
def test_a_standby_that_goes_down_is_skipped(
    pair: Pair, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replicas, "CHECK_EVERY_S", 3600.0)  # the standby's last answer stands until it fails
    with _replicated_server(pair, tmp_path, clock) as server:
        unit = server.add_unit("car-12")
        token = server.login(server.add_person(Role.INVESTIGATOR))
        _ingest(server, unit, "ABC1234")
        _wait(lambda: _on_standby(server, "SELECT count(*) FROM reads") == 1, "the standby to replay the read")
        pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        with server.client(token) as c:
            assert _search(c, "ABC1234").headers[HEADER].startswith("replica 1; lag=")
            _run(*as_pg, str(pgbin / "pg_ctl"), "-D", str(pair.standby_dir / "data"), "-m", "fast", "-w", "stop")
            try:
                # it was fresh a moment ago: the search goes to it, fails there, and the primary answers
                r = _search(c, "ABC1234")
                assert r.status_code == 200 and r.json()["count"] == 1
                assert r.headers[HEADER] == "primary; served by the primary database: replica 1 failed while answering"
                # then it is known down, and left alone
                r = _search(c, "ABC1234")
                assert r.status_code == 200 and r.json()["count"] == 1
                assert r.headers[HEADER] == "primary; served by the primary database: replica 1 does not answer"
                server.app.state.platewatch.replicas.forget()  # type: ignore[attr-defined]
                mapped = c.get("/api/v1/reads/map", params={"hours": 24, "unit": "car-12", **PURPOSE})
                assert mapped.status_code == 200 and mapped.json()["reads"] == 1
                assert mapped.headers[HEADER] == "primary; served by the primary database: replica 1 does not answer"
            finally:  # `restart` starts a stopped server with the options it last ran with
                log = str(pair.standby_dir / "server.log")
                _run(*as_pg, str(pgbin / "pg_ctl"), "-D", str(pair.standby_dir / "data"), "-l", log, "-w", "restart")


@needs_postgresql
def test_a_report_whose_standby_fails_while_answering_comes_from_the_primary(
    pair: Pair, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A metrics report reads through the same second try as a search: the standby believed fresh dies under the
    # server, the report's queries run again on the primary, and the answer says so; the page then says it is down.
    monkeypatch.setattr(replicas, "CHECK_EVERY_S", 3600.0)
    with _replicated_server(pair, tmp_path, clock) as server:
        unit = server.add_unit("car-13")
        token = server.login(server.add_person(Role.SUPERVISOR))
        _ingest(server, unit, "ABC1234", "XYZ0001")
        _wait(lambda: _on_standby(server, "SELECT count(*) FROM reads") == 2, "the standby to replay the reads")
        pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        with server.client(token) as c:
            assert c.get("/api/v1/reports/metrics").headers[HEADER].startswith("replica 1; lag=")
            _run(*as_pg, str(pgbin / "pg_ctl"), "-D", str(pair.standby_dir / "data"), "-m", "fast", "-w", "stop")
            try:
                report = c.get("/api/v1/reports/metrics")
                assert report.status_code == 200 and report.json()["reads"] == 2, report.text
                failed = "primary; served by the primary database: replica 1 failed while answering"
                assert report.headers[HEADER] == failed
                page = c.get("/reports")
                assert page.status_code == 200 and "replica 1 does not answer" in page.text
            finally:  # `restart` starts a stopped server with the options it last ran with
                log = str(pair.standby_dir / "server.log")
                _run(*as_pg, str(pgbin / "pg_ctl"), "-D", str(pair.standby_dir / "data"), "-l", log, "-w", "restart")


def test_a_store_without_standbys_says_nothing(server: LiveServer) -> None:
    token = server.login(server.add_person(Role.INVESTIGATOR))
    with server.client(token) as c:
        assert HEADER not in _search(c, "ABC1234").headers


def test_standbys_need_a_postgresql_store_and_postgresql_urls(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="replicas need a PostgreSQL database_url"):
        Settings(database_url=f"sqlite:///{tmp_path}/p.db", database_replica_urls="postgresql+psycopg://h/db")
    with pytest.raises(ValueError, match="a replica must be a postgresql"):
        Settings(database_url="postgresql+psycopg://h/db", database_replica_urls="sqlite:///x.db")
    two = Settings(database_url="postgresql+psycopg://h/db", database_replica_urls=" postgresql+psycopg://a/db ,, "
                   "postgresql+psycopg://b/db")  # fmt: skip
    assert two.replica_urls == ("postgresql+psycopg://a/db", "postgresql+psycopg://b/db")
