"""The migrations build exactly the schema the models describe, on each backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from platewatch.server.db.migrate import current
from platewatch.server.db.models import Base

POSTGRESQL_ONLY = {"ix_reads_plate_trgm", "ix_query_log_purpose_trgm"}  # trigram GINs, made by raw SQL


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name in POSTGRESQL_ONLY)]
    assert diff == []


def test_database_is_at_the_newest_revision(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from platewatch.server.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert current(database_url) == head
