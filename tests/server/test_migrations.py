"""The migrations build exactly the schema the models describe, on each backend."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from platewatch.server.db.migrate import current, include_name
from platewatch.server.db.models import Base

POSTGRESQL_ONLY = {"ix_reads_plate_trgm", "ix_query_log_purpose_trgm"}  # trigram GINs, made by raw SQL
SQLITE_ONLY_FOREIGN_KEYS = {("alerts", "read_id"), ("held_reads", "read_id"), ("alert_repeats", "read_id")}
"""On PostgreSQL `reads` is partitioned by day (0031): nothing can have a foreign key to its id alone (ADR 0019)."""


def _postgresql_layout(d: tuple[Any, ...]) -> bool:
    """A difference that is PostgreSQL's partitioned layout, not a missing migration (partitions are left out by
    `include_name`)."""
    return d[0] == "add_fk" and (d[1].parent.name, d[1].column_keys[0]) in SQLITE_ONLY_FOREIGN_KEYS


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}), Base.metadata)
    engine.dispose()
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name in POSTGRESQL_ONLY)]
    if database_url.startswith("postgresql"):
        diff = [d for d in diff if not _postgresql_layout(d)]
    assert diff == []


def test_database_is_at_the_newest_revision(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from platewatch.server.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert current(database_url) == head


POPULATE = """
INSERT INTO units (id, name, kind, approved_for, active, created_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'car1', 'mobile', '', true, now());
INSERT INTO reads (id, unit_id, camera, captured_at, received_at, plate, plate_canonical, confidence, candidates,
                   attributes, source, plate_image, vehicle_image, hotlist_version)
SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'front',
       now() - make_interval(hours => k * 7), now(), 'M' || lpad(k::text, 6, '0'), 'M' || lpad(k::text, 6, '0'),
       0.9, '[]', ('{"k": ' || k || '}')::jsonb, 'platewatch', md5(k::text) || md5(k::text), NULL, 1
FROM generate_series(0, 239) AS k;  -- 70 days back, every 7 hours: old days (held) and the last two weeks
INSERT INTO hotlists (id, name, source, default_category, priority, covert, alert_colour, alert_sound, state_filter,
                      active, created_at, created_by)
VALUES (1, 'NCIC', 'ncic', 'stolen_vehicle', 1, false, 'red', 'siren', '', true, now(), 'admin');
INSERT INTO hotlist_versions (id, hotlist_id, created_at, created_by, change, note, entry_count, content_hash)
VALUES (1, 1, now(), 'admin', 'import', '', 1, '');
INSERT INTO hotlist_entries (id, version_id, plate, category, nic, ori, case_number, vehicle_year, vehicle_make,
                             vehicle_model, vehicle_style, vehicle_colour, plate_year, plate_type, description, purpose,
                             owner, added_at)
VALUES (1, 1, 'M000003', 'stolen_vehicle', '', '', '', '', '', '', '', '', '', '', '', '', 'admin', now());
INSERT INTO alerts (read_id, entry_id, hotlist_id, version_id, created_at, origin, match_kind, matched_text, reason,
                    priority, covert, status, reject_note, verification_note, incident_number, leas_subtype)
SELECT id, 1, 1, 1, now(), 'ingest', 'exact', plate, 'listed', 1, false, 'pending', '', '', '', ''
FROM reads WHERE plate = 'M000003';
INSERT INTO alert_repeats (alert_id, read_id, captured_at, match_kind, matched_text, recorded_at)
SELECT a.id, r.id, r.captured_at, 'exact', 'M000004', now() FROM alerts a, reads r WHERE r.plate = 'M000004';
INSERT INTO legal_holds (id, case_number, reason, created_by, created_at, release_note)
VALUES (1, '2026-1', 'letter', 'admin', now(), '');
INSERT INTO held_reads (hold_id, read_id) SELECT 1, id FROM reads WHERE plate = 'M000200';
"""
FINGERPRINT = "SELECT count(*), md5(string_agg(r::text, ',' ORDER BY r.id)) FROM reads r"
REFERENCES = """
SELECT (SELECT count(*) FROM alerts a JOIN reads r ON r.id = a.read_id),
       (SELECT count(*) FROM alert_repeats p JOIN reads r ON r.id = p.read_id),
       (SELECT count(*) FROM held_reads h JOIN reads r ON r.id = h.read_id)
"""


def test_the_partitioning_migration_moves_every_read_of_a_populated_store_and_back(database_url: str) -> None:
    # Today's schema (0026) with 240 reads over 70 days, an alert, a repeat and a hold; 0031 partitions it by day and
    # records each image's last use.
    from sqlalchemy import text

    from platewatch.domain.read_days import day_of_partition
    from platewatch.server.db.migrate import upgrade

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's reads stay one table (ADR 0019)")
    from alembic import command

    from platewatch.server.db.migrate import alembic_config

    command.downgrade(alembic_config(database_url), "0026")
    engine = create_engine(database_url)
    with engine.begin() as c:
        c.execute(text(POPULATE))
    upgrade(database_url, "0030")  # the store as it stands just before 0031 (0027 adds columns to reads)
    with engine.begin() as c:
        before = c.execute(text(FINGERPRINT)).one()
    assert before[0] == 240
    upgrade(database_url, "0031")
    with engine.begin() as c:
        assert c.execute(text(FINGERPRINT)).one() == before
        assert c.execute(text(REFERENCES)).one() == (1, 1, 1)
        assert c.scalar(text("SELECT relkind FROM pg_class WHERE oid = 'reads'::regclass")) == "p"
        placed = c.execute(text("SELECT tableoid::regclass::text, captured_at FROM reads")).all()
        assert all(day_of_partition(name) == at.astimezone(dt.UTC).date() for name, at in placed)  # each in its day
        key = c.scalar(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'pk_reads'"))
        assert key == "PRIMARY KEY (id, captured_at)"
        uses = (
            "SELECT count(*) FROM read_images i "
            "JOIN reads r ON r.plate_image = i.digest AND r.captured_at = i.last_captured_at"
        )
        assert c.scalar(text(uses)) == 240  # each image's last use, for the purge
    command.downgrade(alembic_config(database_url), "0030")
    with engine.begin() as c:
        assert c.execute(text(FINGERPRINT)).one() == before
        assert c.scalar(text("SELECT relkind FROM pg_class WHERE oid = 'reads'::regclass")) == "r"
        assert c.execute(text(REFERENCES)).one() == (1, 1, 1)
    engine.dispose()


def test_the_images_by_day_migration_moves_every_file_and_row_of_a_populated_store_and_back(
    database_url: str, tmp_path: Path
) -> None:
    # Both stores. The store as 0032 left it: files in sha256/ab/cd/, one read_images row per digest. Reads over 30
    # days (the oldest in PostgreSQL's default partition), an image shared by reads of two days, a read without
    # images. 0033 links each file into the folder of every day whose reads name it, keys the rows by (day, digest),
    # and loses no image; the downgrade puts everything back.
    import hashlib
    import uuid

    from alembic import command
    from sqlalchemy import column, insert, table, text

    from platewatch.domain.read_days import day_of
    from platewatch.server.db.migrate import alembic_config, upgrade
    from platewatch.server.reads.imagestore import ImageStore
    from platewatch.server.reads.models import Read
    from tests.support.live_server import jpeg

    images = tmp_path / "images"
    command.downgrade(alembic_config(database_url), "0032")  # empty: no image to move, no folder needed
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    blobs = [jpeg(seed=k) for k in range(6)]
    digests = [hashlib.sha256(b).hexdigest() for b in blobs]
    for digest, data in zip(digests, blobs, strict=True):
        old = images / "sha256" / digest[:2] / digest[2:4] / f"{digest}.jpg"
        old.parent.mkdir(parents=True, exist_ok=True)
        old.write_bytes(data)
    unit = uuid.uuid4()
    reads = [  # (days ago, plate image, vehicle image)
        (30, 0, 1), (3, 2, 3), (2, 2, None), (0, 4, 5), (0, None, None),
    ]  # fmt: skip
    engine = create_engine(database_url)
    with engine.begin() as c:
        c.execute(
            text("INSERT INTO units (id, name, kind, approved_for, active, created_at) "
                 "VALUES (:id, 'car1', 'mobile', '', true, :at)"),
            {"id": unit.hex if c.dialect.name == "sqlite" else unit, "at": now},
        )  # fmt: skip
        rows = [
            {"id": uuid.uuid4(), "unit_id": unit, "camera": "front", "captured_at": now - dt.timedelta(days=ago),
             "received_at": now, "plate": f"M{k:06d}", "plate_canonical": f"M{k:06d}", "confidence": 0.9,
             "candidates": [], "attributes": {}, "source": "platewatch",
             "plate_image": digests[p] if p is not None else None,
             "vehicle_image": digests[v] if v is not None else None}
            for k, (ago, p, v) in enumerate(reads)
        ]  # fmt: skip
        as_of_0032 = table("reads", *(column(n, Read.__table__.c[n].type) for n in rows[0]))  # no later column
        c.execute(insert(as_of_0032), rows)
        c.execute(
            text("INSERT INTO read_images (digest, last_captured_at) VALUES (:d, :t)"),
            [{"d": digests[k], "t": now} for k in range(6)],
        )
    uses = {(day_of(r["captured_at"]), r[f]) for r in rows for f in ("plate_image", "vehicle_image") if r[f]}
    assert len(uses) == 7  # digest 2 on two days

    with pytest.raises(RuntimeError, match="moves the image files"):
        upgrade(database_url, "0033")  # without the image folder: refused, nothing changed
    upgrade(database_url, "0033", image_dir=images)
    store = ImageStore(images)
    assert all(store.verify(day, digest) for day, digest in uses)
    assert all(store.name_of(day, digest) == store.day_name(day, digest) for day, digest in uses)
    twice = [store.path_for(day, digests[2]) for day, d in uses if d == digests[2]]
    assert len(twice) == 2 and twice[0].stat().st_ino == twice[1].stat().st_ino  # linked, not copied
    assert (images / "sha256").is_dir()  # left for the new purge to remove: the migration can still fail here
    with engine.begin() as c:
        got = {(d if isinstance(d, dt.date) else dt.date.fromisoformat(d), h)
               for d, h in c.execute(text("SELECT day, digest FROM read_images"))}  # fmt: skip
        assert got == uses
        assert c.scalar(text("SELECT count(*) FROM retired_image_days")) == 0
        if c.dialect.name == "postgresql":
            assert c.scalar(text("SELECT relkind FROM pg_class WHERE oid = 'read_images'::regclass")) == "p"
            oldest = day_of(now - dt.timedelta(days=30))  # its reads are in reads_default: its rows in the default
            where = text("SELECT tableoid::regclass::text FROM read_images WHERE day = :d")
            assert c.execute(where, {"d": oldest}).scalars().all() == ["read_images_default"] * 2
            newest = c.execute(where, {"d": day_of(now)}).scalars().all()
            assert newest == [f"read_images_{day_of(now):%Y%m%d}"] * 2

    shutil.rmtree(images / "sha256")  # as the purge does once it runs on the migrated store
    command.downgrade(alembic_config(database_url, images), "0032")
    for digest, data in zip(digests, blobs, strict=True):
        assert (images / "sha256" / digest[:2] / digest[2:4] / f"{digest}.jpg").read_bytes() == data
    assert not (images / "days").exists()
    with engine.begin() as c:
        assert {h for (h,) in c.execute(text("SELECT digest FROM read_images"))} == set(digests)
    upgrade(database_url, image_dir=images)
    engine.dispose()
