"""Backups of the server's store that keep the order's retention (V.D.3): the database (SQLite's online backup, or
`pg_dump`) and the images its reads name, in a dated folder with a manifest; backups older than the retention
period are deleted, because a backup is a copy of reads the order requires gone; the images a backup shares with the
previous one are hard links to its files (stored once on disk); a backup restores into an empty store, or over one
when asked."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, select, text, union
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from platewatch.domain.read_days import DETACHED_PREFIX
from platewatch.domain.retention import RetentionPolicy
from platewatch.server.accounts.service import record_event
from platewatch.server.db import store_lock
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from platewatch.server.settings import Settings

MANIFEST = "manifest.json"
PREFIX = "platewatch-"
SQLITE_FILE = "platewatch.db"
PG_FILE = "platewatch.pgdump"


class BackupError(RuntimeError):
    """A backup that cannot be made, found or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    """One backup folder, as its manifest describes it."""

    path: Path
    created_at: dt.datetime
    database: str
    """`sqlite` or `postgresql`: a backup restores only into the same kind of store."""
    schema: str | None
    reads: int
    images: int
    images_missing: int
    """Images the database names that were not in the store (purged while the backup ran)."""
    oldest_read: dt.datetime | None
    images_shared: int = 0
    """Images hard-linked from the previous backup instead of copied: unchanged files are stored once on disk."""


def create(settings: Settings, into: Path, now: dt.datetime, actor: str) -> Backup:
    """Back up the store into a new folder of `into`, named by `now`; the folder appears whole or not at all."""
    url = make_url(settings.database_url)
    into.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{now:%Y%m%dT%H%M%SZ}"
    final = next(into / n for n in (name, *(f"{name}-{k}" for k in range(2, 100))) if not (into / n).exists())
    partial = into / f".partial-{final.name}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)  # reads and images: for the service's user only, whatever the umask
    try:
        kind = url.get_backend_name()
        if kind == "sqlite":
            _sqlite_copy(_sqlite_file(url), partial / SQLITE_FILE)
            facts = _facts(f"sqlite:///{partial / SQLITE_FILE}")  # what the copy holds, exactly
        else:
            facts = _pg_dump(settings.database_url, partial / PG_FILE)
        images, source = ImageStore(partial / "images"), ImageStore(settings.image_dir)
        # Each image by its place in the store (its reads' day folder, or kept: ADR 0023), copied to the same place.
        names = {found for day, digest in facts.images if (found := source.name_of(day, digest)) is not None}
        previous = backups(into)
        shared = images.link_from(ImageStore(previous[-1].path / "images"), names) if previous else set()
        missing = len(facts.images) - len(names) + len(_copy_files(source, images, names - shared))
        backup = Backup(
            final, now, kind, facts.schema, facts.reads, len(facts.images) - missing, missing, facts.oldest_read,
            len(shared),
        )  # fmt: skip
        _write_manifest(partial, backup)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _record(
        settings.database_url, "backup_created", f"{final.name}: {backup.reads} reads, {backup.images} images", actor
    )
    return backup


def backups(into: Path) -> list[Backup]:
    """The backups in `into`, oldest first (folders without a readable manifest are not backups)."""
    found = []
    for folder in into.glob(f"{PREFIX}*") if into.is_dir() else []:
        with contextlib.suppress(BackupError):
            found.append(read_manifest(folder))
    return sorted(found, key=lambda b: b.created_at)


def expire(into: Path, now: dt.datetime, policy: RetentionPolicy) -> list[Backup]:
    """Delete the backups made before the retention period, and any unfinished one; returns the deleted backups."""
    gone = [b for b in backups(into) if policy.backup_expired(b.created_at, now)]
    for b in gone:
        shutil.rmtree(b.path)
    for partial in into.glob(".partial-*") if into.is_dir() else []:
        if now.timestamp() - partial.stat().st_mtime > 3600:  # a backup that died; not one running now
            shutil.rmtree(partial, ignore_errors=True)
    return gone


def restore(settings: Settings, folder: Path, replace: bool, actor: str) -> Backup:
    """Put a backup back as the store of `settings`: into an empty store, or over the current one with `replace`.
    Refused while a server runs on the store (`store_lock`). The images are copied before the database, so no
    restored read names a missing image."""
    backup = read_manifest(folder)
    url = make_url(settings.database_url)
    if backup.database != url.get_backend_name():
        raise BackupError(f"{folder} is a {backup.database} backup; this server's store is {url.get_backend_name()}")
    try:
        with store_lock.restoring(settings.database_url):
            _restore(settings, folder, backup, replace)
    except store_lock.StoreInUse as exc:
        raise BackupError(str(exc)) from exc
    _record(settings.database_url, "backup_restored", f"{folder.name}: {backup.reads} reads", actor)
    return backup


def _restore(settings: Settings, folder: Path, backup: Backup, replace: bool) -> None:
    url = make_url(settings.database_url)
    if not replace and _has_reads(settings.database_url):
        raise BackupError("the store already holds reads: restore with --replace to put the backup in their place")
    source = ImageStore(folder / "images")
    target = ImageStore(settings.image_dir)
    # Every file to the same place: a backup made before migration 0033 holds the old layout, which the migration
    # moves when the server starts on the restored database.
    names = {p.relative_to(source.root).as_posix() for p in source.root.rglob("*.jpg")}
    if _copy_files(source, target, {n for n in names if not (target.root / n).exists()}):
        raise BackupError(f"{folder}: some images are unreadable")
    if backup.database == "sqlite":
        path = _sqlite_file(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(folder / SQLITE_FILE, path)
    else:
        _pg_restore(url, folder / PG_FILE)


def read_manifest(folder: Path) -> Backup:
    try:
        data = json.loads((folder / MANIFEST).read_text())
        return Backup(
            path=folder,
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            database=str(data["database"]),
            schema=data["schema"],
            reads=int(data["reads"]),
            images=int(data["images"]),
            images_missing=int(data["images_missing"]),
            oldest_read=dt.datetime.fromisoformat(data["oldest_read"]) if data["oldest_read"] else None,
            images_shared=int(data.get("images_shared", 0)),  # not in the manifests of before 2026-12-01
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder} is not a PlateWatch backup (no readable {MANIFEST})") from exc


def _write_manifest(folder: Path, backup: Backup) -> None:
    data = asdict(backup)
    del data["path"]
    for key in ("created_at", "oldest_read"):
        data[key] = data[key].isoformat() if data[key] else None
    (folder / MANIFEST).write_text(json.dumps(data, indent=2) + "\n")


def _sqlite_file(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API), written under a temporary name first."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.unlink(missing_ok=True)
    live = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    with contextlib.closing(live) as src, contextlib.closing(sqlite3.connect(temporary)) as dst:
        src.backup(dst)
    for leftover in target.parent.glob(f"{target.name}-*"):  # the old database's -wal and -shm
        leftover.unlink()
    os.replace(temporary, target)


def _pg_url(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which `ps` would show) and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _pg_dump(database_url: str, target: Path) -> Facts:
    """`pg_dump` of the snapshot of a transaction that also reads the facts: the dump and the manifest see the same
    reads, whatever the server stores or purges meanwhile."""
    plain, env = _pg_url(make_url(database_url))
    engine = make_engine(database_url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            facts = _facts_of(conn)
            retired = f"--exclude-table={DETACHED_PREFIX}*"  # day partitions the purge is dropping (ADR 0023)
            command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}",
                       retired, plain]  # fmt: skip
            _run(command, env, "pg_dump")
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot read the database: {str(exc).splitlines()[0]}") from exc
    finally:
        engine.dispose()
    return facts


CLEAN_SCHEMA = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
"""What the restore does first, in its own transaction: `pg_restore --clean` cannot drop a day partition's primary
key (it is the partitioned table's, ADR 0019), so the store's schema goes whole, and comes back from the dump."""


def _pg_restore(url: URL, source: Path) -> None:
    """The dump's SQL (`pg_restore` to a script) run by `psql` in one transaction after `CLEAN_SCHEMA`: all of it, or
    nothing (the store as it was)."""
    plain, env = _pg_url(url)
    for tool in ("pg_restore", "psql"):
        _require(tool)
    script = ["pg_restore", "--no-owner", "--file=-", str(source)]
    load = ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", f"--dbname={plain}"]
    with tempfile.TemporaryFile() as dump_err, tempfile.TemporaryFile() as load_err:
        with (
            subprocess.Popen(script, env=env, stdout=subprocess.PIPE, stderr=dump_err) as dump,
            subprocess.Popen(
                load, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=load_err
            ) as loading,
        ):
            assert dump.stdout is not None and loading.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # psql stopped at an error: its own message says which
                loading.stdin.write(CLEAN_SCHEMA)
                shutil.copyfileobj(dump.stdout, loading.stdin, 1 << 20)
                loading.stdin.close()
        for name, process, said in (("pg_restore", dump, dump_err), ("psql", loading, load_err)):
            if process.returncode != 0:
                said.seek(0)
                lines = said.read().decode(errors="replace").strip().splitlines()
                errors = [line for line in lines if "ERROR" in line] or lines
                raise BackupError(f"{name} failed: {errors[-1] if errors else f'exit {process.returncode}'}")


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt install postgresql-client)")


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    _require(command[0])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise BackupError(f"{name} failed: {said[-1] if said else f'exit {done.returncode}'}")


@dataclass(frozen=True)
class Facts:
    """What a backed-up database holds: the images its reads name (by day and digest), how many reads, the oldest, the
    schema."""

    images: set[tuple[dt.date, str]]
    reads: int
    oldest_read: dt.datetime | None
    schema: str | None


def _facts(url: str) -> Facts:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return _facts_of(conn)
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot read the database: {str(exc).splitlines()[0]}") from exc
    finally:
        engine.dispose()


def _facts_of(conn: Connection) -> Facts:
    day = (
        func.date(func.timezone("UTC", Read.captured_at))
        if conn.dialect.name == "postgresql"
        else func.date(Read.captured_at)  # SQLite keeps UTC times as text
    )
    named = union(
        select(day.label("day"), Read.plate_image.label("d")).where(Read.plate_image.is_not(None)),
        select(day, Read.vehicle_image).where(Read.vehicle_image.is_not(None)),
    )
    images = {(_date(d), str(digest)) for d, digest in conn.execute(named)}
    count, oldest = conn.execute(select(func.count(), func.min(Read.captured_at)).select_from(Read)).one()
    schema = MigrationContext.configure(conn).get_current_revision()
    return Facts(images, int(count), oldest, schema)


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _copy_files(source: ImageStore, target: ImageStore, names: set[str]) -> set[str]:
    """Copy these image files (paths relative to the store) from `source` to the same place in `target`, in batches,
    durably; returns those not copied: missing from `source` (purged meanwhile), or whose bytes no longer hash to
    their name."""
    lost: set[str] = set()
    batch: dict[str, bytes] = {}
    for name in sorted(names):
        try:
            data = (source.root / name).read_bytes()
        except FileNotFoundError:
            lost.add(name)
            continue
        if hashlib.sha256(data).hexdigest() != Path(name).stem:
            lost.add(name)
            continue
        batch[name] = data
        if len(batch) >= 500:
            target.write_files(batch)
            batch = {}
    target.write_files(batch)
    return lost


def _has_reads(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(Read.id).limit(1)).first() is not None
    except SQLAlchemyError:
        return False  # no database yet, or no schema: nothing to lose
    finally:
        engine.dispose()


def _record(url: str, event: str, detail: str, actor: str) -> None:
    """A security event in the store itself (who backed up or restored, when), beside the log-ons."""
    engine = make_engine(url)
    try:
        with transaction(make_sessionmaker(engine)) as db:
            record_event(db, f"cli:{actor}", event, "success", detail, actor=f"cli:{actor}")
    finally:
        engine.dispose()
