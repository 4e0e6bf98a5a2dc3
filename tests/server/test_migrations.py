"""The migrations build exactly the schema the models describe, on each backend."""

from __future__ import annotations

import datetime as dt
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
