"""Engine and session factory for SQLite (WAL, foreign keys, immediate transactions) and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

PG_CONNECT_TIMEOUT_S = 10
"""Seconds to wait for PostgreSQL to accept a connection (libpq's `connect_timeout`; the URL's own wins)."""
PG_TCP = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}
"""libpq's TCP settings (the URL's own win). A database host that vanishes without closing its connections (power
lost, a network cut) otherwise leaves a pooled connection's next query waiting for TCP's own timeout, about 15
minutes: keepalives find an idle connection dead within a minute, and `tcp_user_timeout` (ms) ends one whose sent
data goes unacknowledged for 30 s. Neither limits a long query: the server acknowledges it at once."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine; for SQLite make the parent folder and set the pragmas a server needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    # psycopg prepares statements run 5+ times, and PostgreSQL then may switch to a generic plan, which
    # cannot use the trigram index for `plate LIKE $1` (1 ms became 55 ms at 1 M reads). Plan every time.
    connect_args: dict[str, Any] = {"options": "-c plan_cache_mode=force_custom_plan"}
    if "connect_timeout" not in parsed.query:  # a database host that went silent fails requests, not hangs them
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    connect_args.update({name: value for name, value in PG_TCP.items() if name not in parsed.query})
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (pysqlite's implicit transactions are off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of page cache (SQLite's default is 2 MiB): deleting a day of reads changes nine B-trees at random
        # keys (plate, images), and a small cache reads the same inner pages again for every row.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the lock at BEGIN so two transactions never deadlock upgrading a read lock;
        # this also serializes appends to the hash-chained query log.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def answers(engine: Engine) -> bool:
    """True when the database takes a connection and answers `SELECT 1`. Outside any transaction: on SQLite every
    transaction begins by taking the write lock, and a health check must not wait behind a purge."""
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            return cursor.fetchone() is not None
        finally:
            connection.close()
    except Exception:  # the driver's own errors (refused, cannot open the file, gone mid-answer) come unwrapped
        return False


def disk_full(exc: OperationalError) -> bool:
    """The database says its disk (or quota) is full: SQLite's SQLITE_FULL, PostgreSQL's 53100 (disk_full)."""
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(orig)
    return isinstance(orig, psycopg.errors.DiskFull)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits at the end of the block, or rolls back on any exception."""
    with factory() as session, session.begin():
        yield session
