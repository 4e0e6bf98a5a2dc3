"""Alembic environment: runs migrations on the connection or URL handed over by platewatch."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from platewatch.server.db.engine import make_engine
from platewatch.server.db.migrate import include_name
from platewatch.server.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
