"""Checks of a server's installation for IT after an install or an upgrade (`platewatch check`): the database
answers, its schema is the code's, the data folder takes files and has room, the query log's anchor file can grow,
the daily backups run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import SQLAlchemyError

from platewatch.domain.install_checks import (
    Check,
    backup_check,
    free_space_check,
    retention_check,
    retention_period_check,
    time_zone_check,
)
from platewatch.domain.retention import RetentionPolicy
from platewatch.server import backups
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.db.migrate import alembic_config, current
from platewatch.server.governance.models import PurgeRun
from platewatch.server.governance.retention import held_read_ids
from platewatch.server.reads.models import Read
from platewatch.server.settings import Settings

MIN_FREE_BYTES = 2 * 1024**3
"""Below this much free space in the data folder, images of new reads may soon not fit."""


def database(settings: Settings) -> Check:
    url = make_url(settings.database_url)
    file = url.database if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") else None
    if file and not Path(file).is_file():  # connecting would create an empty file, owned by whoever checks
        return Check("database", False, f"no SQLite file at {url.database}: run `platewatch db upgrade`")
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return Check("database", True, f"{engine.dialect.name} answers")
    except (SQLAlchemyError, OSError) as exc:
        said = str(exc).strip()
        return Check(
            "database",
            False,
            f"cannot connect ({engine.dialect.name}): {said.splitlines()[0] if said else type(exc).__name__}",
        )
    finally:
        engine.dispose()


def schema(settings: Settings) -> Check:
    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
    found = current(settings.database_url)
    if found == head:
        return Check("schema", True, f"at {head}, the newest")
    if found is None:
        return Check("schema", False, "not created: run `platewatch db upgrade`")
    return Check("schema", False, f"at {found}, the code needs {head}: run `platewatch db upgrade`")


def data_folder(settings: Settings) -> Check:
    folder = settings.data_dir
    if not folder.is_dir():
        return Check("data folder", False, f"{folder} {'is not a folder' if folder.exists() else 'does not exist'}")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-"):
            pass
    except OSError as exc:
        return Check("data folder", False, f"cannot write in {folder}: {exc.strerror or exc}")
    free = shutil.disk_usage(folder).free
    short = free_space_check("data folder", str(folder), free, MIN_FREE_BYTES, "images of new reads need room")
    return short or Check("data folder", True, f"{folder.resolve()} is writable, {free / 1024**3:.1f} GiB free")


def anchor_file(settings: Settings) -> Check:
    path = settings.querylog_anchor_file
    if path is None:
        return Check(
            "query-log anchors",
            True,
            "off (PLATEWATCH_QUERYLOG_ANCHOR_FILE not set): `querylog verify` cannot tell a log rewritten whole, its "
            "hashes computed again; set it to storage the database's administrators cannot rewrite",
        )
    if path.exists() and not path.is_file():
        return Check("query-log anchors", False, f"{path} is not a file")
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        return Check("query-log anchors", False, f"{target} is not writable by this user")
    return Check("query-log anchors", True, f"{path} can be appended to")


def newest_backup(settings: Settings, now: dt.datetime) -> Check:
    folder = settings.backup_dir
    if folder is None:
        return Check("backups", True, "not set: set PLATEWATCH_BACKUP_DIR to the daily backups' folder to check them")
    if not folder.is_dir():
        return Check("backups", False, f"{folder} does not exist")
    made = backups.backups(folder)
    newest = made[-1] if made else None
    return backup_check(str(folder), newest.created_at if newest else None, newest.reads if newest else 0, now)


def retention(settings: Settings, now: dt.datetime) -> Check:
    """Reads past the retention period outside a legal hold, allowing for the time between two purges (a day when
    the server does not purge and a timer runs `platewatch purge`)."""
    every = dt.timedelta(minutes=settings.purge_every_minutes)
    slack = max(2 * every, dt.timedelta(hours=1)) if every else dt.timedelta(hours=25)
    cutoff = RetentionPolicy(settings.retention_days).cutoff(now)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as db:
            overdue = Read.captured_at < cutoff - slack
            expired = db.scalar(select(func.count()).select_from(Read).where(overdue, ~held_read_ids()))
            held = db.scalar(select(func.count()).select_from(Read).where(Read.captured_at < cutoff, held_read_ids()))
            last = db.scalar(select(func.max(PurgeRun.ran_at)).where(PurgeRun.dry_run.is_(False)))  # not a dry run
    finally:
        engine.dispose()
    return retention_check(int(expired or 0), int(held or 0), settings.retention_days, last)


def run_checks(settings: Settings, now: dt.datetime) -> list[Check]:
    """Every check, in order; the schema and the retention only when the database answers (the retention when its
    schema is current)."""
    found = [database(settings)]
    if found[-1].ok:
        found.append(schema(settings))
        if found[-1].ok:
            found.append(retention(settings, now))
    period = retention_period_check(settings.retention_days, settings.retention_authority)
    zone = time_zone_check(settings.time_zone)
    return [*found, period, zone, data_folder(settings), anchor_file(settings), newest_backup(settings, now)]
