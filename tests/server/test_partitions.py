"""Reads partitioned by UTC day on PostgreSQL (ADR 0019): every upload finds a place, a resend is stored once, and the
server makes the days ahead on its own. SQLite keeps one table: these tests skip there."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from platewatch.domain.read_days import AHEAD_DAYS, DEFAULT_PARTITION, day_of, partition_name
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.reads.models import Read
from platewatch.server.reads.partitions import day_partitions, make_days
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import LiveServer, read_payload, serving


def only_postgresql(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("SQLite's reads are one table (ADR 0019)")


def upload(server: LiveServer, token: str, *reads: dict[str, Any]) -> dict[str, Any]:
    with server.client(token) as c:
        r = c.post("/api/v1/reads", json={"reads": list(reads)})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def partition_of(server: LiveServer, read: dict[str, Any]) -> str:
    with server.db() as db:
        names = list(db.scalars(text("SELECT tableoid::regclass::text FROM reads WHERE id = :id"), {"id": read["id"]}))
    assert len(names) == 1, names  # stored once
    return names[0]


def test_reads_of_an_old_day_and_of_a_day_not_made_yet_are_stored_and_a_resend_is_stored_once(
    server: LiveServer,
) -> None:
    only_postgresql(server.settings.database_url)
    unit = server.add_unit()
    made_on = server.clock.now
    server.clock.advance(days=AHEAD_DAYS + 2)  # the server's scheduler has not run since: no partition for today
    old = read_payload("OLD0001", made_on, images=False)  # a unit back from nine days out of contact
    new = read_payload("NEW0001", server.clock.now, images=False)
    first = upload(server, unit, old, new)
    assert sorted(first["stored"]) == sorted([old["id"], new["id"]])
    assert partition_of(server, old) == partition_name(day_of(made_on))
    assert partition_of(server, new) == DEFAULT_PARTITION

    again = upload(server, unit, new, old)  # the unit did not hear the answer: the same batch again
    assert again["stored"] == [] and sorted(again["already_stored"]) == sorted([old["id"], new["id"]])

    with server.db() as db:  # the scheduler's next run makes today's partition: the read moves into it
        made = make_days(db, server.clock.now)
        db.commit()
    assert day_of(server.clock.now) in made
    assert partition_of(server, new) == partition_name(day_of(server.clock.now))
    third = upload(server, unit, new)
    assert third["already_stored"] == [new["id"]]
    assert server.count(Read) == 2


def test_a_read_moved_from_the_default_partition_into_its_new_day_is_stored_once_when_resent(
    server: LiveServer,
) -> None:
    # A resend is stored once because both copies would have the same (id, captured_at), the primary key of every
    # partition; the move leaves no copy behind in the default partition.
    only_postgresql(server.settings.database_url)
    unit = server.add_unit()
    server.clock.advance(days=AHEAD_DAYS + 3)
    read = read_payload("DUP0001", server.clock.now, images=False)
    upload(server, unit, read)
    with server.db() as db:
        make_days(db, server.clock.now)
        db.commit()
    upload(server, unit, read)
    with server.db() as db:
        assert db.scalar(select(func.count()).select_from(Read).where(Read.id == uuid.UUID(read["id"]))) == 1
        assert db.scalar(text(f"SELECT count(*) FROM {DEFAULT_PARTITION}")) == 0


def test_the_server_makes_the_days_ahead_on_its_own(database_url: str, tmp_path: Path, clock: Clock) -> None:
    only_postgresql(database_url)
    clock.advance(days=40)
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", purge_every_minutes=0,
                        notice_check_minutes=0)  # fmt: skip
    app = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    wanted = {day_of(clock.now) + dt.timedelta(days=k) for k in range(-1, AHEAD_DAYS + 1)}
    with serving(app):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with sessions() as db:
                if wanted <= set(day_partitions(db)):
                    break
            time.sleep(0.1)
    with sessions() as db:
        assert wanted <= set(day_partitions(db))
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()

