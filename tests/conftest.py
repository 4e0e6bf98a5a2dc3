"""Shared fixtures: databases (SQLite and a real PostgreSQL), a live HTTP server, a settable clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from platewatch.server.accounts import security
from platewatch.server.db.migrate import upgrade

pytest_plugins = ["tests.support.live_server"]

BACKENDS = [b.strip() for b in os.environ.get("PLATEWATCH_TEST_BACKENDS", "sqlite").split(",") if b.strip()]
PG_URL = os.environ.get("PLATEWATCH_TEST_PG_URL")
REPO = Path(__file__).resolve().parents[1]
DATASETS = (REPO.parent / "shared" / "datasets").resolve()


class Clock:
    """A clock the tests move; the server under test reads time only from it."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> dt.datetime:
        self.now += dt.timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
"""argon2id with the least work: the tests make and check thousands of passwords (every person, every login), and
the production cost (64 MiB, 3 passes, 4 lanes: hundreds of milliseconds on a busy test machine) was the largest
share of many tests' time. What a password is checked against is the same; only the hash's cost differs, and
tests/server/test_password_hashes.py checks the production hasher itself."""


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes() -> Iterator[tuple[PasswordHasher, str]]:
    """The cheap hasher for the whole session; yields the production hasher and dummy hash it replaced."""
    production = security._hasher, security._DUMMY_HASH
    security._hasher = CHEAP_HASHER
    security._DUMMY_HASH = CHEAP_HASHER.hash("not a password anyone has")  # unknown users cost a check as well
    yield production
    security._hasher, security._DUMMY_HASH = production


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: run `make test`, which starts a throwaway cluster")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"pwtemplate_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    create_engine(url).dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty database of each backend under test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "platewatch.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    if request.param != "postgresql":
        raise ValueError(f"unknown backend {request.param!r} in PLATEWATCH_TEST_BACKENDS")
    template_name: str = request.getfixturevalue("pg_template")
    assert PG_URL
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
