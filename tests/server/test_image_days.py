"""A day's images go whole (ADR 0023): held reads keep theirs, every reader finds them, a crash anywhere leaves no
stored read without its file, and SQLite deletes a day's rows by a range of the key."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile

import pytest
from sqlalchemy import func, select, text

from platewatch.domain.image_days import day_of_folder, days_to_retire, folder_name
from platewatch.domain.read_days import bounds, day_of
from platewatch.domain.retention import RetentionPolicy
from platewatch.domain.roles import Role
from platewatch.server.db.engine import make_engine
from platewatch.server.governance import image_days
from platewatch.server.governance.holds import place
from platewatch.server.governance.image_days import after_purge
from platewatch.server.governance.models import LegalHold
from platewatch.server.governance.retention import purge
from platewatch.server.governance.schemas import HoldCreate
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import ReadImage, RetiredImageDay
from platewatch.server.reads.partitions import image_day_partitions
from tests.server.test_hotlists_api import Actors, ingest
from tests.server.test_retention import run_purge, stored
from tests.support.live_server import PURPOSE, LiveServer, jpeg, read_payload

DAY = dt.date(2026, 11, 20)


class Crash(BaseException):
    """The process dying at this point: nothing after it runs, the open transaction is rolled back."""


def test_a_day_folder_is_named_by_its_utc_day_and_read_back() -> None:
    assert folder_name(DAY) == "2026-11-20" and day_of_folder("2026-11-20") == DAY
    assert day_of_folder("2026-02-30") is None and day_of_folder("sha256") is None and day_of_folder("2026-1-2") is None


def test_the_days_retired_are_those_wholly_past_the_cutoff_and_those_whose_folder_a_crash_left() -> None:
    cutoff = dt.datetime(2026, 11, 22, 3, tzinfo=dt.UTC)  # in the 22nd: that day is not whole yet
    days = {DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)}
    assert days_to_retire(days, set(), set(), cutoff) == [DAY, DAY + dt.timedelta(days=1)]
    assert days_to_retire(days, {DAY}, set(), cutoff) == [DAY + dt.timedelta(days=1)]  # retired, its folder gone
    assert days_to_retire(set(), {DAY}, {DAY}, cutoff) == [DAY]  # retired, but its folder still there
    assert days_to_retire(set(), set(), {DAY - dt.timedelta(days=3)}, cutoff) == [DAY - dt.timedelta(days=3)]


def hold(server: LiveServer, read: dict[str, object]) -> int:
    with server.db() as db:
        detail = place(db, HoldCreate(reason="preservation letter", read_ids=[str(read["id"])]), "2026-88", "inv",
                       server.clock.now)  # fmt: skip
        db.commit()
    return detail.id


def release(server: LiveServer, hold_id: int) -> None:
    with server.db() as db:
        row = db.get(LegalHold, hold_id)
        assert row is not None
        row.released_at, row.released_by = server.clock.now, "inv"
        db.commit()


def two_reads_of_one_day(server: LiveServer) -> tuple[str, dict[str, object], dict[str, object], dt.date]:
    """HELD001 (held) and GONE001, with images of their own, captured yesterday; the clock then 15 days on."""
    unit = server.add_unit()
    day = day_of(server.clock.now) - dt.timedelta(days=1)
    start, _ = bounds(day)
    held, gone = (
        read_payload("HELD001", start + dt.timedelta(hours=5), seed=1),
        read_payload("GONE001", start + dt.timedelta(hours=6), seed=3),
    )
    ingest(server, unit, held, gone)
    return unit, held, gone, day


def retired_tables(server: LiveServer) -> list[str]:
    if not server.settings.database_url.startswith("postgresql"):
        return []
    with server.db() as db:
        return list(db.scalars(text("SELECT relname FROM pg_class WHERE relname LIKE 'detached%' ORDER BY 1")))


def test_the_purge_renames_a_days_tables_and_folder_away_and_they_are_dropped_after_it(server: LiveServer) -> None:
    _, _, _, day = two_reads_of_one_day(server)
    server.clock.now = bounds(day)[1] + dt.timedelta(days=14, hours=1)
    store = ImageStore(server.settings.image_dir)
    with server.db() as db:
        report = purge(db, store, server.clock.now, RetentionPolicy(14), "test")
    assert (report.reads_deleted, report.images_deleted) == (2, 4) and store.day_folders() == set()
    assert [p.name.split(".")[0] for p in (store.root / "retired").iterdir()] == [folder_name(day)]
    if server.settings.database_url.startswith("postgresql"):  # detached, renamed, not dropped in the purge
        assert retired_tables(server) == [f"detached_read_images_{day:%Y%m%d}", f"detached_reads_{day:%Y%m%d}"]
        with server.db() as db:
            assert db.scalar(select(func.count()).select_from(RetiredImageDay)) == 1  # not a detached day's table
    with server.db() as db:
        assert after_purge(db, store) == 4
    assert retired_tables(server) == [] and server.image_files() == []


def test_a_held_read_keeps_its_images_when_its_day_goes_and_every_reader_finds_them(server: LiveServer) -> None:
    _, held, gone, day = two_reads_of_one_day(server)
    hold_id = hold(server, held)
    server.clock.now = bounds(day)[1] + dt.timedelta(days=14, hours=1)  # the whole day is past the cutoff
    report = run_purge(server)
    assert (report.reads_deleted, report.images_deleted, report.reads_held) == (1, 2, 1)
    store = ImageStore(server.settings.image_dir)
    assert stored(server) == {"HELD001"} and store.day_folders() == set()  # the folder went whole
    plate, vehicle = jpeg(seed=1), jpeg(320, 240, seed=2)
    assert store.kept_digests(day) == {hashlib.sha256(x).hexdigest() for x in (plate, vehicle)}
    assert len(server.image_files()) == 2 and not any((store.root / "retired").iterdir())
    with server.db() as db:
        assert set(db.scalars(select(RetiredImageDay.day))) == {day}
        assert db.scalar(select(func.count()).select_from(ReadImage).where(ReadImage.day == day)) == 2  # held's
        if server.settings.database_url.startswith("postgresql"):  # the day's partition of rows went whole
            assert day not in image_day_partitions(db)

    actors = Actors(server)
    with actors.client(Role.INVESTIGATOR) as c:  # the image route and the evidence package find the kept files
        r = c.get(f"/api/v1/reads/{held['id']}/images/plate", params=PURPOSE)
        assert r.status_code == 200 and r.content == plate
        r = c.get(f"/api/v1/reads/{held['id']}/images/vehicle", params=PURPOSE)
        assert r.status_code == 200 and r.content == vehicle
        assert c.get(f"/api/v1/reads/{gone['id']}/images/plate", params=PURPOSE).status_code == 404
        package = c.get(f"/api/v1/holds/{hold_id}/evidence", params=PURPOSE)
        assert package.status_code == 200 and package.headers["x-damaged-images"] == "0"
        zipped = zipfile.ZipFile(io.BytesIO(package.content))
        (read,) = json.loads(zipped.read("manifest.json"))["reads"]
        assert zipped.read(read["plate_image"]["file"]) == plate and read["vehicle_image"]["intact"]
        page = c.get(f"/reads/{held['id']}", params=PURPOSE)
        assert page.status_code == 200 and "data:image/jpeg;base64," in page.text

    release(server, hold_id)  # releasing the hold lets the read and its kept images go
    after = run_purge(server)
    assert (after.reads_deleted, after.images_deleted) == (1, 2)
    assert stored(server) == set() and server.image_files() == [] and store.kept_digests(day) == set()


def test_a_crash_before_the_days_commit_leaves_every_stored_read_its_images(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, held, _, day = two_reads_of_one_day(server)
    hold(server, held)
    server.clock.now = bounds(day)[1] + dt.timedelta(days=14, hours=1)

    def crash(*_args: object) -> int:
        raise Crash

    monkeypatch.setattr(image_days, "_delete_rows", crash)  # after the kept files are linked, before the commit
    with pytest.raises(Crash):
        run_purge(server)
    store = ImageStore(server.settings.image_dir)
    assert stored(server) == {"HELD001"} and store.day_folders() == {day}  # GONE001's reads went, its files not yet
    captured = bounds(day)[0] + dt.timedelta(hours=5)
    assert store.of_read(captured, hashlib.sha256(jpeg(seed=1)).hexdigest()) == jpeg(seed=1)  # HELD001's, intact
    with server.db() as db:
        assert db.scalar(select(func.count()).select_from(RetiredImageDay)) == 0
    monkeypatch.undo()
    report = run_purge(server)  # the next run finishes the day: GONE001's files are orphans it removes
    assert report.images_deleted == 2 and store.day_folders() == set() and len(server.image_files()) == 2
    assert store.of_read(captured, hashlib.sha256(jpeg(seed=1)).hexdigest()) == jpeg(seed=1)  # now from kept/


def test_a_crash_between_the_days_commit_and_its_folders_removal_is_finished_by_the_next_purge(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, held, _, day = two_reads_of_one_day(server)
    hold(server, held)
    server.clock.now = bounds(day)[1] + dt.timedelta(days=14, hours=1)

    def crash(*_args: object) -> bool:
        raise Crash

    monkeypatch.setattr(ImageStore, "retire_day", crash)
    with pytest.raises(Crash):
        run_purge(server)
    store = ImageStore(server.settings.image_dir)
    with server.db() as db:  # committed: the rows went, the day is retired, the held read's images are kept
        assert set(db.scalars(select(RetiredImageDay.day))) == {day}
        assert db.scalar(select(func.count()).select_from(ReadImage).where(ReadImage.day == day)) == 2
    assert store.day_folders() == {day} and len(store.kept_digests(day)) == 2  # the folder is left, orphaned
    monkeypatch.undo()
    run_purge(server)
    assert store.day_folders() == set() and len(server.image_files()) == 2 and stored(server) == {"HELD001"}


def test_an_image_written_by_an_upload_that_never_committed_goes_with_its_day(server: LiveServer) -> None:
    # A crash between writing a batch's files and committing its reads leaves files no row names: the day's removal
    # takes them, with no lookup.
    store = ImageStore(server.settings.image_dir)
    day = day_of(server.clock.now) - dt.timedelta(days=1)
    store.put(day, jpeg(seed=11))
    server.clock.now = bounds(day)[1] + dt.timedelta(days=14, hours=1)
    assert run_purge(server).images_deleted == 0 and server.image_files() == [] and store.day_folders() == set()


def test_sqlite_deletes_a_days_image_rows_by_a_range_of_the_key(database_url: str) -> None:
    # SQLite has no partitions: a day's rows are deleted by the primary key's range (day, digest), never a scan of
    # the table, so the purge stays linear in the rows it deletes.
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL drops the day's partition (test_partitions)")
    engine = make_engine(database_url)
    stmt = image_days.day_rows(DAY, ["ab" * 32])
    with engine.connect() as c:
        sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row[-1]) for row in c.execute(text("EXPLAIN QUERY PLAN " + sql)))
    engine.dispose()
    assert "USING INDEX sqlite_autoindex_read_images_1 (day=?)" in plan or "USING PRIMARY KEY (day=?)" in plan, plan
    assert "SCAN read_images" not in plan, plan


def test_a_backup_keeps_a_held_reads_kept_images_and_restores_them_to_their_place(server: LiveServer) -> None:
    from platewatch.server import backups

    _, held, _, day = two_reads_of_one_day(server)
    hold(server, held)
    server.clock.now = bounds(day)[1] + dt.timedelta(days=14, hours=1)
    run_purge(server)
    into = server.settings.data_dir.parent / f"backups-{uuid.uuid4().hex[:6]}"
    made = backups.create(server.settings, into, server.clock.now, "test")
    assert (made.reads, made.images, made.images_missing) == (1, 2, 0)
    assert {p.relative_to(made.path / "images").parts[0] for p in made.path.rglob("*.jpg")} == {"kept"}
    server.stop()
    for p in server.image_files():  # the disk is lost
        p.unlink()
    backups.restore(server.settings, made.path, True, "test")
    store = ImageStore(server.settings.image_dir)
    assert store.kept_digests(day) == {hashlib.sha256(x).hexdigest() for x in (jpeg(seed=1), jpeg(320, 240, seed=2))}
