"""Migration 0027 on a populated database, on each backend: a unit's old free-text `approved_for` becomes its first
deployment approval, its reads and tokens are untouched, and the new read columns say 'GPS, not flagged'."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from platewatch.server.db.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS, PG_URL

REVISION = "0027"


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all, of each backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"m_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_approved_for_becomes_each_units_first_approval(empty_url: str) -> None:
    before = ScriptDirectory.from_config(alembic_config(empty_url)).get_revision(REVISION).down_revision
    assert isinstance(before, str)
    upgrade(empty_url, before)
    created = dt.datetime(2026, 3, 1, 8, 0)
    car, trailer, bare = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_engine(empty_url)
    with engine.begin() as c:
        for unit_id, name, kind, approved in ((car, "car-12", "mobile", "cruiser 12"),
                                              (trailer, "trailer-1", "portable", "Post Road at Main St"),
                                              (bare, "car-13", "mobile", "")):  # fmt: skip
            c.execute(text("INSERT INTO units (id, name, kind, approved_for, active, created_at) "
                           "VALUES (:id, :name, :kind, :approved, :active, :at)"),
                      {"id": unit_id if c.dialect.name == "postgresql" else unit_id.hex, "name": name, "kind": kind,
                       "approved": approved, "active": True, "at": created})  # fmt: skip
        c.execute(text("INSERT INTO unit_tokens (id, unit_id, token_hash, created_at) VALUES (:id, :unit, 'h', :at)"),
                  {"id": uuid.uuid4() if c.dialect.name == "postgresql" else uuid.uuid4().hex,
                   "unit": car if c.dialect.name == "postgresql" else car.hex, "at": created})  # fmt: skip
    engine.dispose()

    upgrade(empty_url, REVISION)

    engine = create_engine(empty_url)
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT u.name, a.site, a.latitude, a.valid_until, a.approved_by, a.reason, a.ended_at "
                "FROM deployment_approvals a JOIN units u ON u.id = a.unit_id ORDER BY u.name"
            )
        ).all()
        approved_from = c.execute(text("SELECT valid_from FROM deployment_approvals")).scalars().all()
        tokens = c.execute(text("SELECT count(*) FROM unit_tokens")).scalar()
        legacy = c.execute(text("SELECT approved_for FROM units WHERE name = 'car-12'")).scalar()
    engine.dispose()
    assert [r[:5] for r in rows] == [
        ("car-12", "cruiser 12", None, None, "(approved_for)"),
        ("trailer-1", "Post Road at Main St", None, None, "(approved_for)"),
    ]  # car-13 had none: no approval made up for it
    assert all("approved_for" in r[5] and r[6] is None for r in rows)
    assert all(str(v).startswith("2026-03-01 08:00") for v in approved_from)  # from the unit's creation
    assert tokens == 1 and legacy == "cruiser 12"  # nothing else touched; the old text stays readable

    command.downgrade(alembic_config(empty_url), before)  # and back, for a restore onto the older release
