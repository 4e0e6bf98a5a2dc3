"""The lock that tells a running server from a restore: a backup is never put back under a server using the store.

A restore replaces what a running server is using: its SQLite connections would go on with the replaced file, its
PostgreSQL sessions would meet tables dropped and created again mid-request, and what it keeps in memory (the hot
lists' matcher) would describe another store. So every server process holds this lock *shared* while it serves
(several workers, or several servers on one PostgreSQL database, may), and `backup restore` holds it *exclusively*
for the whole restore, or refuses at once; a server does not start while a restore runs.

- SQLite: `flock` on a file beside the database (`platewatch.db.server-lock`), released when its holder exits,
  however it exits.
- PostgreSQL: a session-level advisory lock of the database, on a connection of the holder's own in autocommit (so
  no transaction stays open), released when that connection ends. PostgreSQL drops that connection when it restarts,
  and the lock with it: a server calls `Holding.keep()` every few seconds, which takes the lock again on a new
  connection, or raises `StoreInUse` when a restore took it meanwhile (the server then stops serving).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from platewatch.server.db.engine import make_engine

STORE_LOCK = 0x504C_5753_5256  # "PLWSRV": a key no other advisory lock of PlateWatch uses
LOCK_FILE_SUFFIX = ".server-lock"


class StoreInUse(RuntimeError):
    """The store's lock is held the other way: a server runs on it (for a restore), or a restore (for a server)."""


class Holding:
    """A lock being held. `keep()` makes sure it still is: a file lock cannot be lost, so this one has nothing to do."""

    def keep(self) -> bool:
        """Whether the lock had been lost and was taken again; `StoreInUse` when it cannot be taken again."""
        return False


def serving(database_url: str) -> AbstractContextManager[Holding]:
    """Hold the lock shared while a server serves the store; `StoreInUse` while a restore holds it."""
    refusal = "a backup is being restored into this store ({where}): start the server when the restore has finished"
    return _held(database_url, False, refusal)


def restoring(database_url: str) -> AbstractContextManager[Holding]:
    """Hold the lock exclusively for a restore; `StoreInUse` while any server (or another restore) holds it."""
    refusal = (
        "a PlateWatch server is running on this store ({where}), or another restore is: stop the server "
        "(`systemctl stop platewatch-server`), then restore"
    )
    return _held(database_url, True, refusal)


@contextmanager
def _held(database_url: str, exclusive: bool, refusal: str) -> Iterator[Holding]:
    """Take the lock without waiting, or raise `StoreInUse` with `refusal`; release it after the block."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):  # a store no other process can open
            yield Holding()
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
            yield Holding()
        finally:
            os.close(fd)  # releases the lock
        return
    engine = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        holding = _AdvisoryHolding(engine, exclusive, refusal.format(where=_where(url)))
        try:
            yield holding
        finally:
            holding.release()
    finally:
        engine.dispose()


class _AdvisoryHolding(Holding):
    """PostgreSQL's advisory lock on a connection of its own: taken at once, kept while that session lives."""

    def __init__(self, engine: Engine, exclusive: bool, refusal: str) -> None:
        self._engine, self._refusal = engine, refusal
        self._take, self._release = (
            ("pg_try_advisory_lock", "pg_advisory_unlock")
            if exclusive
            else ("pg_try_advisory_lock_shared", "pg_advisory_unlock_shared")
        )
        self._guard = threading.Lock()  # `keep` runs in a worker thread; `release` at shutdown
        self._connection: Connection | None = self._taken()

    def _taken(self) -> Connection:
        connection = self._engine.connect()
        try:
            if not connection.execute(text(f"SELECT {self._take}(:key)"), {"key": STORE_LOCK}).scalar_one():
                raise StoreInUse(self._refusal)
        except BaseException:
            connection.close()
            raise
        return connection

    def keep(self) -> bool:
        """A session-level lock lasts as long as its session: while the connection answers, it is held. A lost
        connection (PostgreSQL restarted, or the session was ended) is replaced and the lock taken on the new one;
        `StoreInUse` if a restore holds it now, and a database error if PostgreSQL does not answer (try later)."""
        with self._guard:
            if self._connection is not None:
                try:
                    self._connection.execute(text("SELECT 1"))
                    return False
                except SQLAlchemyError:
                    with contextlib.suppress(SQLAlchemyError):
                        self._connection.close()
                    self._connection = None
            self._connection = self._taken()
            return True

    def release(self) -> None:
        with self._guard:
            if self._connection is None:
                return
            # Released here, not by closing: PostgreSQL frees a closed session's locks when its backend has ended,
            # a moment later, and a server started right after a restore would find it still held.
            with contextlib.suppress(SQLAlchemyError):  # a lost connection has released it already
                self._connection.execute(text(f"SELECT {self._release}(:key)"), {"key": STORE_LOCK})
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
            self._connection = None


def _where(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL database {url.database} on {url.host or 'localhost'}"
