"""The lock between storing reads' images and the purge deleting image files.

Byte-identical images of one day's reads share one file (ADR 0023), so a read being stored may name a file that
the purge has just found unused. Storing finds the file present and writes nothing; if the purge then deletes it,
the new read has lost its evidence. So the purge checks and deletes only while holding this lock exclusively, and
storing holds it shared from before its images are written until its reads are committed. The purge retires a
day's images (its rows, then its folder) under it too, and storing refuses a read of a retired day under it
(`reads.service.refuse_retired_days`). Placing a legal hold takes it exclusively too: a read being stored is then
either found by the hold or finds it (`governance.holds`).

- PostgreSQL: a transaction-level advisory lock (shared for storing, so uploads never wait for each other).
- SQLite: every transaction begins with BEGIN IMMEDIATE (`db/engine.py`), which already takes the database's one
  write lock for the transaction; beginning the transaction is the lock.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

IMAGE_FILES_LOCK = 0x504C_5749_4D47  # "PLWIMG": a key no other advisory lock of PlateWatch uses


def lock_for_storing(db: Session) -> None:
    """Hold the lock shared until `db`'s transaction ends: call before writing the images of reads to insert."""
    _lock(db, "pg_advisory_xact_lock_shared")


def lock_for_deleting(db: Session) -> None:
    """Hold the lock exclusively until `db`'s transaction ends: waits for every transaction storing images."""
    _lock(db, "pg_advisory_xact_lock")


def _lock(db: Session, function: str) -> None:
    connection = db.connection()  # begins the transaction: on SQLite, BEGIN IMMEDIATE is the lock
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT {function}(:key)"), {"key": IMAGE_FILES_LOCK})
