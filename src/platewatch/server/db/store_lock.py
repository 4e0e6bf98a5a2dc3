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

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from platewatch.server.db.engine import make_engine

STORE_LOCK = 0x504C_5753_5256  # "PLWSRV": a key no other advisory lock of PlateWatch uses
LOCK_FILE_SUFFIX = ".server-lock"


class StoreInUse(RuntimeError):
    """The store's lock is held the other way: a server runs on it (for a restore), or a restore (for a server)."""


@contextmanager
def serving(database_url: str) -> Iterator[None]:
    """Hold the lock shared while a server serves the store; `StoreInUse` while a restore holds it."""
    with _held(database_url, exclusive=False) as got:
        if not got:
            raise StoreInUse(
                f"a backup is being restored into this store ({_where(database_url)}): start the server when "
                "`platewatch backup restore` has finished"
            )
        yield


@contextmanager
def restoring(database_url: str) -> Iterator[None]:
    """Hold the lock exclusively for a restore; `StoreInUse` while any server (or another restore) holds it."""
    with _held(database_url, exclusive=True) as got:
        if not got:
            raise StoreInUse(
                f"a PlateWatch server is running on this store ({_where(database_url)}), or another restore is: "
                "stop the server (`systemctl stop platewatch-server`), then restore"
            )
        yield


@contextmanager
def _held(database_url: str, exclusive: bool) -> Iterator[bool]:
    """Try the lock without waiting; yields whether it is held, and releases it after the block."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):  # a store no other process can open
            yield True
            return
        path = Path(url.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + LOCK_FILE_SUFFIX), "a") as file:
            try:
                fcntl.flock(file, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True  # closing the file releases the lock
        return
    function = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
    engine = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            got = bool(connection.execute(text(f"SELECT {function}(:key)"), {"key": STORE_LOCK}).scalar_one())
            yield got  # the connection's end releases the lock
    finally:
        engine.dispose()


def _where(database_url: str) -> str:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL database {url.database} on {url.host or 'localhost'}"
