"""The unit's outbox: every read waits in a local SQLite file (WAL, synced to disk) until the server has it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    read_id TEXT NOT NULL UNIQUE,
    queued_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    rejected_at TEXT,
    captured_ts REAL
);
CREATE TABLE IF NOT EXISTS expired_reads (
    at_ts REAL NOT NULL,
    reads INTEGER NOT NULL
)
"""


_LOST: dict[Path, int] = {}
"""Reads this process could not store, per outbox file (its disk refused them), told to the server: kept apart from
the file, which cannot take them, and shared by the agent's and the server link's handles on it."""


class OutboxError(ValueError):
    """A read the outbox cannot keep (no id, not JSON); the message says why."""


@dataclass(frozen=True, slots=True)
class OutboxStats:
    pending: int
    """Reads waiting for the server."""
    rejected: int
    """Reads the server refused as invalid: kept, out of the queue, for IT to look at (`rejected`)."""
    oldest_queued_at: str | None
    """When the oldest pending read was queued (UTC, ISO 8601): how far behind the unit is."""


class Outbox:
    """A durable queue of reads, oldest first. A read is in it from `put` until `delivered`; a crash or a
    power cut in between loses nothing (each change is committed with `synchronous=FULL` before returning)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lost_key = path.resolve()
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}
        if "captured_ts" not in columns:  # an outbox made before the unit kept capture times apart
            self._db.execute("ALTER TABLE outbox ADD COLUMN captured_ts REAL")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put(self, read: Mapping[str, Any], now: dt.datetime | None = None) -> bool:
        """Queue a read (the JSON the server's ingest takes, with its `id`); False when that id is already
        queued (putting a read twice is harmless)."""
        read_id = read.get("id")
        if not isinstance(read_id, str) or not read_id:
            raise OutboxError("a read needs an `id` (its UUID) to be queued")
        try:
            payload = json.dumps(read, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise OutboxError(f"read {read_id} is not JSON: {exc}") from exc
        at = (now or dt.datetime.now(dt.UTC)).isoformat()
        try:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO outbox (read_id, queued_at, payload, captured_ts) VALUES (?, ?, ?, ?)",
                (read_id, at, payload, _captured(read.get("captured_at")).timestamp()),
            )
        except sqlite3.Error:  # a full or failing disk: counted for the server, the caller goes on without it
            _LOST[self._lost_key] = _LOST.get(self._lost_key, 0) + 1
            raise
        return cur.rowcount == 1

    @property
    def lost(self) -> int:
        """Reads that this process could not store here (the disk refused them)."""
        return _LOST.get(self._lost_key, 0)

    def pending(self, limit: int = 100, max_bytes: int | None = None) -> list[dict[str, Any]]:
        """The oldest `limit` reads waiting for the server; with `max_bytes`, only as many as fit in that many bytes
        of JSON (at least one)."""
        rows = self._db.execute(
            "SELECT payload FROM outbox WHERE rejected_at IS NULL ORDER BY seq LIMIT ?", (limit,)
        ).fetchall()
        out: list[dict[str, Any]] = []
        size = 0
        for (payload,) in rows:
            size += len(payload) + 1
            if out and max_bytes is not None and size > max_bytes:
                break
            out.append(json.loads(payload))
        return out

    def delivered(self, read_ids: Iterable[str]) -> None:
        """The server has these reads: they leave the unit."""
        self._db.executemany("DELETE FROM outbox WHERE read_id = ?", [(i,) for i in read_ids])

    def failed(self, read_ids: Iterable[str], error: str) -> None:
        """An attempt that did not reach the server, or that it did not answer: the reads stay queued."""
        self._db.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE read_id = ?",
            [(error[:500], i) for i in read_ids],
        )

    def reject(self, read_id: str, reason: str, now: dt.datetime | None = None) -> None:
        """The server refused this read as invalid: keep it with the reason, out of the queue, so that one bad
        read never holds back the others."""
        at = (now or dt.datetime.now(dt.UTC)).isoformat()
        self._db.execute(
            "UPDATE outbox SET rejected_at = ?, last_error = ?, attempts = attempts + 1 WHERE read_id = ?",
            (at, reason[:2000], read_id),
        )

    def rejected(self) -> list[tuple[str, str]]:
        """(read id, the server's reason) of every rejected read, oldest first."""
        rows = self._db.execute(
            "SELECT read_id, last_error FROM outbox WHERE rejected_at IS NOT NULL ORDER BY seq"
        ).fetchall()
        return [(str(i), str(e)) for i, e in rows]

    def expire(self, cutoff: dt.datetime, now: dt.datetime | None = None) -> int:
        """Delete the reads captured before `cutoff`, queued or rejected: past the retention period the server
        refuses them (order V.D.3), so the unit must not keep them either. Returns how many went; how many and when
        is kept, for the server (`deleted_since`)."""
        if cutoff.tzinfo is None:
            raise ValueError("cutoff needs a time zone")
        legacy = self._db.execute(
            "SELECT read_id, json_extract(payload, '$.captured_at') FROM outbox WHERE captured_ts IS NULL"
        ).fetchall()
        self._db.executemany(
            "UPDATE outbox SET captured_ts = ? WHERE read_id = ?", [(_captured(at).timestamp(), i) for i, at in legacy]
        )
        gone = int(self._db.execute("DELETE FROM outbox WHERE captured_ts < ?", (cutoff.timestamp(),)).rowcount)
        if gone:
            at = (now or dt.datetime.now(dt.UTC)).timestamp()
            self._db.execute("INSERT INTO expired_reads (at_ts, reads) VALUES (?, ?)", (at, gone))
        return gone

    def deleted_since(self, since: dt.datetime) -> int:
        """Reads deleted unsent (`expire`) since `since`."""
        query = "SELECT coalesce(sum(reads), 0) FROM expired_reads WHERE at_ts >= ?"
        (total,) = self._db.execute(query, (since.timestamp(),)).fetchone()
        return int(total)

    def stats(self) -> OutboxStats:
        pending, oldest = self._db.execute(
            "SELECT count(*), min(queued_at) FROM outbox WHERE rejected_at IS NULL"
        ).fetchone()
        (rejected,) = self._db.execute("SELECT count(*) FROM outbox WHERE rejected_at IS NOT NULL").fetchone()
        return OutboxStats(int(pending), int(rejected), oldest)


def _captured(value: object) -> dt.datetime:
    """A payload's capture time (UTC when it names no zone). A read without a readable one is never expired:
    nothing is deleted on a guess (the server refuses it, and IT finds it among the rejected reads)."""
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
