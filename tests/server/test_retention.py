"""The purge against a real server's database and image store: what expires, what holds keep, what hot-list
versions stay (order V.D.3-4)."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import select

from platewatch.domain.read_days import bounds, day_of
from platewatch.domain.retention import RetentionPolicy
from platewatch.domain.roles import Role
from platewatch.server.alerts.models import Alert
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.governance.image_days import after_purge
from platewatch.server.governance.models import HeldRead, LegalHold, PurgeRun
from platewatch.server.governance.retention import PurgeReport, purge
from platewatch.server.hotlists.models import HotListVersion
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read, RetiredImageDay
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.server.hotlists.fixtures import ncic
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import LiveServer, read_payload, serving

FIRST = ncic("P987654321", "7XYZ890", "CT", ori="CT0000100", date="20261101").encode()
SECOND = b"\n".join([FIRST, ncic("A555000111", "KID2026", "NY", ori="NY0000000", date="20261127").encode()])


def run_purge(server: LiveServer, dry_run: bool = False) -> PurgeReport:
    """A purge, then the dropping of the retired days' tables and files, as the server and the CLI run them (ADR
    0023)."""
    store = ImageStore(server.settings.image_dir)
    with server.db() as db:
        report = purge(db, store, server.clock.now, RetentionPolicy(14), "test", dry_run=dry_run)
    with server.db() as db:
        after_purge(db, store)
    return report


def import_list(actors: Actors, list_id: int, data: bytes) -> int:
    with actors.client(Role.ADMINISTRATOR) as c:
        r = c.post(f"/api/v1/hotlists/{list_id}/import", content=data, params={"filename": "ncic.txt"})
    assert r.status_code == 200, r.text
    return int(r.json()["version"]["id"])


def stored(server: LiveServer) -> set[str]:
    with server.db() as db:
        return {r.plate for r in db.scalars(select(Read))}


def test_purge_deletes_what_expired_with_its_alerts_images_and_unneeded_hotlist_versions(server: LiveServer) -> None:
    actors = Actors(server)
    lst = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle", import_format="ncic_fixed")
    v1 = import_list(actors, lst["id"], FIRST)
    unit = server.add_unit()
    start = server.clock.now
    ingest(server, unit, read_payload("7XYZ890", start, hotlist_version=v1, seed=1),
           read_payload("ABC1234", start, hotlist_version=v1, seed=3))  # fmt: skip
    assert server.count(Alert) == 1 and len(server.image_files()) == 4
    server.clock.advance(days=10)
    v2 = import_list(Actors(server), lst["id"], SECOND)  # a new login: the first session has timed out
    server.clock.advance(days=15)  # the first reads are 25 days old; version 1 was replaced 15 days ago
    ingest(server, unit, read_payload("NEW0001", server.clock.now, hotlist_version=v2, seed=5))

    dry = run_purge(server, dry_run=True)
    assert (dry.reads_deleted, dry.alerts_deleted, dry.images_deleted, dry.hotlist_versions_deleted) == (2, 1, 4, 2)
    assert dry.dry_run and stored(server) == {"7XYZ890", "ABC1234", "NEW0001"} and len(server.image_files()) == 6
    with server.db() as db:  # the dry run is in the purge log, marked, with what it would have deleted
        dry_run = db.scalars(select(PurgeRun)).one()
    assert dry_run.dry_run and dry_run.reads_deleted == 2 and dry_run.images_deleted == 4

    report = run_purge(server)
    assert (report.reads_deleted, report.alerts_deleted, report.images_deleted) == (2, 1, 4)
    assert report.hotlist_versions_deleted == 2 and report.reads_held == 0  # the empty first version and v1
    assert stored(server) == {"NEW0001"} and server.count(Alert) == 0 and len(server.image_files()) == 2
    with server.db() as db:
        assert set(db.scalars(select(HotListVersion.id).where(HotListVersion.hotlist_id == lst["id"]))) == {v2}
        run = db.scalars(select(PurgeRun).where(PurgeRun.dry_run.is_(False))).one()
    assert run.ran_by == "test" and run.reads_deleted == 2 and run.cutoff == server.clock.now - dt.timedelta(days=14)
    again = run_purge(server)
    assert (again.reads_deleted, again.images_deleted, again.hotlist_versions_deleted) == (0, 0, 0)


def test_a_legal_hold_keeps_its_reads_and_their_images_until_it_is_released(server: LiveServer) -> None:
    unit = server.add_unit()
    held, other = read_payload("HOLD001", server.clock.now), read_payload("GONE001", server.clock.now)
    ingest(server, unit, held, other)  # the same picture (seed 0) for both: a shared image stays while one is kept
    server.clock.advance(days=15)
    with server.db() as db:
        hold = LegalHold(case_number="2026-001234", reason="preservation letter", created_by="admin",
                         created_at=server.clock.now)  # fmt: skip
        db.add(hold)
        db.flush()
        db.add(HeldRead(hold_id=hold.id, read_id=uuid.UUID(held["id"])))
        db.commit()
        hold_id = hold.id
    report = run_purge(server)
    assert report.reads_deleted == 1 and report.reads_held == 1 and report.images_deleted == 0
    assert stored(server) == {"HOLD001"} and len(server.image_files()) == 2
    with server.db() as db:
        row = db.get(LegalHold, hold_id)
        assert row is not None
        row.released_at, row.released_by = server.clock.now, "admin"
        db.commit()
    report = run_purge(server)
    assert report.reads_deleted == 1 and report.reads_held == 0 and report.images_deleted == 2
    assert stored(server) == set() and server.image_files() == []


def test_the_server_purges_on_its_own(database_url: str, tmp_path: Path, clock: Clock) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", purge_every_minutes=0.005)  # 0.3 s
    app = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    with serving(app) as base:
        server = LiveServer(base, settings, clock, sessions)
        ingest(server, server.add_unit(), read_payload("OLD0001", clock.now))
        clock.advance(days=14, seconds=1)
        deadline = time.monotonic() + 20
        while (stored(server) or server.image_files()) and time.monotonic() < deadline:  # files go after the commit
            time.sleep(0.1)
        assert stored(server) == set() and server.image_files() == []
        with server.db() as db:
            assert "server" in set(db.scalars(select(PurgeRun.ran_by)))
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()


def test_administrators_and_auditors_see_the_purge_log(server: LiveServer) -> None:
    ingest(server, server.add_unit(), read_payload("OLD0001", server.clock.now))
    server.clock.advance(days=15)
    run_purge(server)
    run_purge(server)
    actors = Actors(server)
    for role in (Role.AUDITOR, Role.ADMINISTRATOR):
        with actors.client(role) as c:
            runs = c.get("/api/v1/purges").json()["runs"]
        assert [(r["reads_deleted"], r["images_deleted"], r["ran_by"]) for r in runs] == [
            (0, 0, "test"),
            (1, 2, "test"),
        ]
    with actors.client(Role.OFFICER) as c:
        r = c.get("/api/v1/purges")
    assert r.status_code == 403 and "officer" in r.json()["message"]
    with actors.client(Role.AUDITOR) as c:
        assert c.get("/api/v1/purges", params={"limit": 0}).status_code == 422
        page = c.get("/purges")
    assert page.status_code == 200 and 'class="reads">1<' in page.text


def test_a_hold_placed_while_a_purge_runs_wins(server: LiveServer) -> None:
    # The purge chose a batch of expired reads; before it deletes them, an investigator holds one of them.
    from sqlalchemy.exc import IntegrityError

    from platewatch.server.governance.retention import delete_reads

    read = read_payload("RACE001", server.clock.now)
    ingest(server, server.add_unit(), read)
    server.clock.advance(days=15)
    with server.db() as db:
        hold = LegalHold(case_number="2026-9", reason="letter", created_by="inv", created_at=server.clock.now)
        db.add(hold)
        db.flush()
        db.add(HeldRead(hold_id=hold.id, read_id=uuid.UUID(read["id"])))
        db.commit()
    with server.db() as db:
        try:
            delete_reads(db, [uuid.UUID(read["id"])])
            db.commit()
        except IntegrityError:
            db.rollback()
    assert stored(server) == {"RACE001"} and server.count(HeldRead) == 1


def test_a_read_stored_while_the_purge_deletes_its_byte_identical_images_keeps_them(server: LiveServer) -> None:
    # Byte-identical images of one day's reads share one file. The purge has found the files of an expired read of
    # the day the cutoff falls in unused; just before it deletes them, a unit uploads a later read of the same day with
    # the same two JPEGs. Storing finds the files present and writes nothing, so the new read keeps its images only if
    # the upload waits for the purge (or the purge for it).
    unit = server.add_unit()
    # yesterday's: a read at 01:00 today would be in the future when the test runs just after midnight (UTC)
    start, _ = bounds(day_of(server.clock.now) - dt.timedelta(days=1))
    ingest(server, unit, read_payload("OLD0001", start + dt.timedelta(hours=1), seed=7))
    server.clock.now = start + dt.timedelta(days=14, hours=2)  # OLD0001 expired; its day not yet whole
    new = read_payload("NEW0001", start + dt.timedelta(hours=3), seed=7)  # a car back in contact
    uploads: list[threading.Thread] = []

    class UploadingWhileDeleting(ImageStore):
        def remove(self, day: dt.date, digest: str) -> bool:
            if not uploads:
                uploads.append(threading.Thread(target=ingest, args=(server, unit, new)))
                uploads[0].start()
                uploads[0].join(2.0)  # without the lock the upload is done long before this
            return super().remove(day, digest)

    with server.db() as db:
        report = purge(db, UploadingWhileDeleting(server.settings.image_dir), server.clock.now, RetentionPolicy(14),
                       "test")  # fmt: skip
    uploads[0].join(30)
    assert not uploads[0].is_alive() and report.reads_deleted == 1 and report.images_deleted == 2
    assert stored(server) == {"NEW0001"}
    with server.db() as db:
        read = db.scalars(select(Read)).one()
    store = ImageStore(server.settings.image_dir)
    assert read.plate_image and read.vehicle_image
    day = day_of(read.captured_at)
    assert store.verify(day, read.plate_image) and store.verify(day, read.vehicle_image)


def test_a_read_of_a_day_whose_images_are_retired_is_refused(server: LiveServer) -> None:
    # A retired day's folder is gone (or going): a read of it stored now would name a file no purge removes again, or
    # lose its image to the folder's removal. Ingest refuses it, under the lock the purge retires a day under.
    unit = server.add_unit()
    day = day_of(server.clock.now) - dt.timedelta(days=3)
    with server.db() as db:
        db.add(RetiredImageDay(day=day, retired_at=server.clock.now))
        db.commit()
    late = read_payload("LATE001", bounds(day)[1] - dt.timedelta(minutes=1), seed=3)
    with server.client(unit) as c:
        response = c.post("/api/v1/reads", json={"reads": [late]})
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["loc"] == "reads[0].captured_at"
    assert stored(server) == set() and server.image_files() == []
    ingest(server, unit, read_payload("NEXT001", bounds(day)[1], seed=3))  # the next day is taken
    assert stored(server) == {"NEXT001"}


def test_a_read_uploaded_while_a_hold_on_its_plate_is_being_placed_is_held(server: LiveServer) -> None:
    # The investigator's hold is written but not yet committed when a car uploads a read of that plate captured before
    # it: the upload waits for the hold, then finds it (without waiting, it would not see the uncommitted hold).
    from platewatch.server.governance import holds
    from platewatch.server.governance.schemas import HoldCreate

    unit = server.add_unit()
    ingest(server, unit, read_payload("RACE002", server.clock.now))
    late = read_payload("RACE002", server.clock.now - dt.timedelta(minutes=5))
    with server.db() as db:
        detail = holds.place(db, HoldCreate(reason="letter", plate="RACE002"), "2026-7", "inv", server.clock.now)
        upload = threading.Thread(target=ingest, args=(server, unit, late))
        upload.start()
        upload.join(1.0)  # without the lock the upload is done long before this, and misses the hold
        db.commit()
    upload.join(30)
    assert not upload.is_alive() and stored(server) == {"RACE002"}
    with server.db() as db:
        held = set(db.scalars(select(HeldRead.read_id).where(HeldRead.hold_id == detail.id)))
    assert uuid.UUID(late["id"]) in held and len(held) == 2


def test_a_purge_in_small_batches_walks_reads_captured_at_the_same_instant(server: LiveServer) -> None:
    # Ten expired reads share two capture instants: each batch of three must start after the last one's
    # (captured_at, id), never skip a read of the same instant, and never touch the fresh ones.
    unit = server.add_unit()
    old = server.clock.now
    ingest(
        server, unit, *[read_payload(f"OLD{i:03d}", old + dt.timedelta(seconds=i % 2), images=False) for i in range(10)]
    )
    server.clock.advance(days=20)
    ingest(server, unit, *[read_payload(f"NEW{i:03d}", server.clock.now, images=False) for i in range(3)])
    with server.db() as db:
        report = purge(db, ImageStore(server.settings.image_dir), server.clock.now, RetentionPolicy(14), "test",
                       batch=3)  # fmt: skip
    assert report.reads_deleted == 10
    assert stored(server) == {f"NEW{i:03d}" for i in range(3)}


def test_the_purge_reads_its_next_batch_in_index_order(database_url: str) -> None:
    # The keyset batch query is answered from the (captured_at, id) index, in its order: no sort of every remaining
    # expired read for each batch, which made a purge's time grow with the square of its reads.
    from sqlalchemy import text, tuple_

    from platewatch.server.db.migrate import upgrade
    from platewatch.server.governance.retention import held_read_ids

    upgrade(database_url)
    engine = make_engine(database_url)
    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    stmt = (
        select(Read.id)
        .where(Read.captured_at < now, ~held_read_ids(), tuple_(Read.captured_at, Read.id) > tuple_(now, uuid.uuid4()))
        .order_by(Read.captured_at, Read.id)
        .limit(2000)
    )
    with engine.connect() as c:
        sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in c.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert "ix_reads_captured_at_id" in plan and "TEMP B-TREE" not in plan, plan
        else:
            c.execute(text("SET enable_seqscan = off"))  # an empty table: ask whether the index can serve the order
            plan = " ".join(str(row[0]) for row in c.execute(text("EXPLAIN " + sql)))
            # An index in captured_at order serves it: no scan of the table and no sort of all its rows (an
            # incremental sort within one instant's reads is no such sort).
            assert "Index Scan" in plan and "Seq Scan" not in plan and "->  Sort " not in plan, plan
    engine.dispose()
