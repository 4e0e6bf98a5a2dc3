"""What a restart of PostgreSQL does to the servers' store lock (`store_lock`), done to that lock's sessions alone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text

from platewatch.server.db import store_lock

_HOLDERS = text(
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = :high AND objid = :low "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
_KEY = {"high": store_lock.STORE_LOCK >> 32, "low": store_lock.STORE_LOCK & 0xFFFF_FFFF}


def postgresql_only(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("a lock PostgreSQL drops when it restarts: PostgreSQL only (SQLite's file lock cannot be lost)")


def lock_holders(database_url: str) -> list[int]:
    """The backends holding the store's lock in this database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(_HOLDERS, _KEY).scalars())
    finally:
        engine.dispose()


def end_lock_sessions(database_url: str) -> int:
    """End the sessions holding the store's lock, as a restart of PostgreSQL ends every session; waits until they
    have ended. Returns how many there were."""
    pids = lock_holders(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            for pid in pids:
                conn.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})
    finally:
        engine.dispose()
    return len(pids)


@contextmanager
def restore_after_a_restart(database_url: str, seconds: float = 20) -> Iterator[None]:
    """Hold the lock as a restore does (exclusively), taken on an open connection in the moment after the servers'
    lock sessions ended (tried again if a server takes its lock back first)."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + seconds
    try:
        with engine.connect() as conn:
            while True:
                for pid in conn.execute(_HOLDERS, _KEY).scalars().all():
                    conn.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})
                if conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": store_lock.STORE_LOCK}).scalar():
                    break
                assert time.monotonic() < deadline, "a server took the lock back first every time"
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": store_lock.STORE_LOCK})
    finally:
        engine.dispose()


def wait_until_held(database_url: str, seconds: float = 20) -> list[int]:
    """The store lock's holders, once there is one."""
    deadline = time.monotonic() + seconds
    while not (holders := lock_holders(database_url)):
        if time.monotonic() > deadline:
            raise AssertionError(f"nobody took the store's lock again within {seconds} s")
        time.sleep(0.05)
    return holders
