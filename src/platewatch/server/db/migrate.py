"""Run the Alembic migrations shipped in the package against a database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

import platewatch.migrations
from platewatch.domain.read_days import (
    DEFAULT_PARTITION,
    IMAGE_DEFAULT_PARTITION,
    day_of_image_partition,
    day_of_partition,
    detached_day,
)
from platewatch.server.db.engine import make_engine

MIGRATIONS_DIR = Path(platewatch.migrations.__file__).parent


def include_name(name: str | None, type_: str, _parents: Any) -> bool:
    """Autogenerate compares the models with the tables, not with the day partitions of `reads` (PostgreSQL, ADR
    0019): each partition is a table of its own, with its own copies of the indexes."""
    if type_ != "table" or name is None:
        return True
    partition = (
        name in (DEFAULT_PARTITION, IMAGE_DEFAULT_PARTITION) or day_of_partition(name) or day_of_image_partition(name)
    )
    return not (partition or detached_day(name))  # a detached day, dropped after the purge


def alembic_config(url: str, image_dir: Path | None = None) -> Config:
    """The migrations' configuration; `image_dir`, the store's image folder, for the migrations that move image
    files (0033)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["image_dir"] = image_dir
    return cfg


def upgrade(url: str, revision: str = "head", image_dir: Path | None = None) -> None:
    """Bring the schema at `url` up to `revision` (its image files in `image_dir`, ADR 0023)."""
    command.upgrade(alembic_config(url, image_dir), revision)


def current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
