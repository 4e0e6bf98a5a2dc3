"""Reads partitioned by UTC day on PostgreSQL (ADR 0019): every upload finds a place, a resend is stored once, and the
server makes the days ahead on its own. SQLite keeps one table: these tests skip there."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from platewatch.domain.read_days import AHEAD_DAYS, DEFAULT_PARTITION, day_of, partition_name
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from platewatch.server.reads.partitions import day_partitions, make_days
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import LiveServer, jpeg, read_payload, serving


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


ORPHANS = """
SELECT (SELECT count(*) FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM reads r WHERE r.id = a.read_id))
     + (SELECT count(*) FROM alert_repeats p WHERE NOT EXISTS (SELECT 1 FROM reads r WHERE r.id = p.read_id))
     + (SELECT count(*) FROM held_reads h WHERE NOT EXISTS (SELECT 1 FROM reads r WHERE r.id = h.read_id))
"""


def test_a_purge_drops_expired_days_keeps_held_reads_and_images_shared_with_a_later_day(server: LiveServer) -> None:
    from platewatch.domain.read_days import bounds
    from platewatch.server.alerts.models import Alert
    from platewatch.server.governance import holds
    from platewatch.server.governance.models import HeldRead, LegalHold
    from platewatch.server.governance.schemas import HoldCreate
    from tests.server.test_hotlists_api import Actors, make_list
    from tests.server.test_retention import FIRST, import_list, run_purge, stored

    only_postgresql(server.settings.database_url)
    day_a = day_of(server.clock.now)
    start_a, end_a = bounds(day_a)
    with server.db() as db:
        make_days(db, start_a)  # day A and the next, whatever the hour of the test
        db.commit()
    server.clock.now = end_a + dt.timedelta(hours=4)
    actors = Actors(server)
    lst = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle", import_format="ncic_fixed")
    import_list(actors, lst["id"], FIRST)  # lists 7XYZ890
    unit = server.add_unit()
    hour = dt.timedelta(hours=1)
    held = read_payload("HELD001", start_a + hour, seed=1)
    upload(server, unit, held, read_payload("GONE001", start_a + 2 * hour, seed=3),
           read_payload("7XYZ890", start_a + 3 * hour, seed=5))  # fmt: skip
    upload(
        server,
        unit,
        read_payload("LATE001", end_a + hour, seed=9),  # day B, expired by the cutoff below
        read_payload("LATE002", end_a + 3 * hour, seed=3),
    )  # day B, kept: the same two images as GONE001, stored again in day B's folder (ADR 0023)
    assert server.count(Alert) == 1 and len(server.image_files()) == 10
    with server.db() as db:
        hold = holds.place(db, HoldCreate(reason="preservation letter", read_ids=[held["id"]]), "2026-77", "inv",
                           server.clock.now)  # fmt: skip
        db.commit()

    server.clock.now = end_a + dt.timedelta(days=14, hours=2)  # the cutoff: two hours into day B
    dry = run_purge(server, dry_run=True)
    assert (dry.reads_deleted, dry.alerts_deleted, dry.images_deleted, dry.reads_held) == (3, 1, 6, 1)
    with server.db() as db:
        assert day_a in day_partitions(db) and len(stored(server)) == 5  # the dry run rolled the drop back

    report = run_purge(server)
    # Day A's rows and folder go whole (4 images: HELD001's 2 are kept); LATE001's 2, of day B, one by one.
    assert (report.reads_deleted, report.alerts_deleted, report.images_deleted, report.reads_held) == (3, 1, 6, 1)
    assert stored(server) == {"HELD001", "LATE002"} and server.count(Alert) == 0
    assert partition_of(server, held) == DEFAULT_PARTITION  # day A is gone; its held read is kept, unchanged
    with server.db() as db:
        assert day_a not in day_partitions(db) and db.scalar(text(ORPHANS)) == 0
        assert db.scalar(select(func.count()).select_from(HeldRead)) == 1
    assert len(server.image_files()) == 4  # HELD001's (kept), and LATE002's in day B's folder
    store = ImageStore(server.settings.image_dir)
    assert store.day_folders() == {day_a + dt.timedelta(days=1)} and store.kept_digests(day_a) == {
        hashlib.sha256(jpeg(seed=1)).hexdigest(),
        hashlib.sha256(jpeg(320, 240, seed=2)).hexdigest(),
    }

    with server.db() as db:
        row = db.get(LegalHold, hold.id)
        assert row is not None
        row.released_at, row.released_by = server.clock.now, "inv"
        db.commit()
    after = run_purge(server)
    assert (after.reads_deleted, after.images_deleted, after.reads_held) == (1, 2, 0)
    assert stored(server) == {"LATE002"} and len(server.image_files()) == 2
    with server.db() as db:
        assert db.scalar(text(ORPHANS)) == 0


def test_an_image_uploaded_late_with_an_older_read_keeps_its_newest_use(server: LiveServer) -> None:
    # Both stores. A car out of contact uploads, after a newer read with the same two JPEGs, an older one of the same
    # day: the image's last use stays the newer read's, so purging the older read leaves the files the newer one names.
    # A read of another day with the same JPEGs has its own copies (ADR 0023), which go with that day.
    from platewatch.domain.read_days import bounds
    from tests.server.test_retention import run_purge, stored

    unit = server.add_unit()
    start, _ = bounds(day_of(server.clock.now))
    server.clock.now = start + dt.timedelta(hours=20)
    upload(server, unit, read_payload("NEW0001", server.clock.now, seed=4))
    upload(server, unit, read_payload("OLD0001", start + dt.timedelta(hours=1), seed=4))
    upload(server, unit, read_payload("DAY0001", start - dt.timedelta(days=1), seed=4))
    assert len(server.image_files()) == 4  # two days' folders
    server.clock.now = start + dt.timedelta(days=14, hours=2)  # OLD0001 and DAY0001 expired, NEW0001 not
    report = run_purge(server)
    assert (report.reads_deleted, report.images_deleted) == (2, 2)  # DAY0001's day, whole
    assert stored(server) == {"NEW0001"} and len(server.image_files()) == 2
    store = ImageStore(server.settings.image_dir)
    with server.db() as db:
        read = db.scalars(select(Read)).one()
    assert store.of_read(read.captured_at, read.plate_image) and store.of_read(read.captured_at, read.vehicle_image)
    server.clock.now = start + dt.timedelta(days=15)
    server.clock.advance(days=10)
    assert run_purge(server).images_deleted == 2 and server.image_files() == []
