"""The lock that tells a running server from a restore: a backup is never put back under a server using the store.

A restore replaces what a running server is using: its SQLite connections would go on with the replaced file, its
PostgreSQL sessions would meet tables dropped and created again mid-request, and what it keeps in memory (the hot
lists' matcher) would describe another store. So every server process holds this lock *shared* while it serves
(several workers, or several servers on one PostgreSQL database, may), and `backup restore` holds it *exclusively*
for the whole restore, or refuses at once; a server does not start while a restore runs.

- SQLite: `flock` on a file beside the database (`platewatch.db.server-lock`), released when its holder exits,
  however it exits.
- PostgreSQL: a session-level advisory lock of the database, on a connection of the holder's own in autocommit (so
  no transaction stays open), released when that connection ends. A server whose lock connection PostgreSQL drops
  (a restart of PostgreSQL) no longer holds it: restart the server too.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from platewatch.server.db.engine import make_engine

STORE_LOCK = 0x504C_5753_5256  # "PLWSRV": a key no other advisory lock of PlateWatch uses
LOCK_FILE_SUFFIX = ".server-lock"


class StoreInUse(RuntimeError):
    """The store's lock is held the other way: a server runs on it (for a restore), or a restore (for a server)."""


def serving(database_url: str) -> AbstractContextManager[None]:
    """Hold the lock shared while a server serves the store; `StoreInUse` while a restore holds it."""
    refusal = "a backup is being restored into this store ({where}): start the server when the restore has finished"
    return _held(database_url, False, refusal)


def restoring(database_url: str) -> AbstractContextManager[None]:
    """Hold the lock exclusively for a restore; `StoreInUse` while any server (or another restore) holds it."""
    refusal = (
        "a PlateWatch server is running on this store ({where}), or another restore is: stop the server "
        "(`systemctl stop platewatch-server`), then restore"
    )
    return _held(database_url, True, refusal)


@contextmanager
def _held(database_url: str, exclusive: bool, refusal: str) -> Iterator[None]:
    """Take the lock without waiting, or raise `StoreInUse` with `refusal`; release it after the block."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):  # a store no other process can open
            yield
            return
        path = Path(url.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Read-only, readable by all: a lock file that root's restore made must not stop the service's user.
        fd = os.open(path.with_name(path.name + LOCK_FILE_SUFFIX), os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreInUse(refusal.format(where=_where(url))) from None
            yield
        finally:
            os.close(fd)  # releases the lock
        return
    take, release = (
        ("pg_try_advisory_lock", "pg_advisory_unlock")
        if exclusive
        else ("pg_try_advisory_lock_shared", "pg_advisory_unlock_shared")
    )
    engine = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if not connection.execute(text(f"SELECT {take}(:key)"), {"key": STORE_LOCK}).scalar_one():
                raise StoreInUse(refusal.format(where=_where(url)))
            try:
                yield
            finally:
                # Released here, not by closing: PostgreSQL frees a closed session's locks when its backend has
                # ended, a moment later, and a server started right after a restore would find it still held.
                with contextlib.suppress(SQLAlchemyError):  # a lost connection has released it already
                    connection.execute(text(f"SELECT {release}(:key)"), {"key": STORE_LOCK})
    finally:
        engine.dispose()


def _where(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL database {url.database} on {url.host or 'localhost'}"
