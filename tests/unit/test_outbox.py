"""The outbox on a real SQLite file: order, idempotence, crash safety, rejected reads and clear errors."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from platewatch.unit.outbox import Outbox, OutboxError


def a_read(plate: str = "ABC1234") -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "camera": "front", "plate": plate, "confidence": 0.9}


def test_reads_wait_oldest_first_until_delivered(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.db") as box:
        reads = [a_read(f"AAA{i}") for i in range(5)]
        assert all(box.put(r) for r in reads)
        assert box.pending(3) == reads[:3]
        box.delivered([str(reads[0]["id"]), str(reads[2]["id"])])
        assert box.pending() == [reads[1], reads[3], reads[4]]
        assert box.stats().pending == 3


def test_putting_a_read_twice_queues_it_once(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.db") as box:
        read = a_read()
        assert box.put(read) is True
        assert box.put(read) is False
        assert box.pending() == [read]


def test_a_crash_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "unit" / "outbox.db"
    box = Outbox(path)
    reads = [a_read(f"CRASH{i}") for i in range(3)]
    for r in reads:
        box.put(r)
    box.delivered([str(reads[0]["id"])])
    # no close(): the process dies here; another one opens the file
    again = Outbox(path)
    assert again.pending() == reads[1:]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    again.close()
    box.close()


def test_failed_attempts_keep_reads_and_count(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.db") as box:
        read = a_read()
        box.put(read)
        box.failed([str(read["id"])], "server unreachable")
        box.failed([str(read["id"])], "server error 503")
        assert box.pending() == [read]
        row = sqlite3.connect(box.path).execute("SELECT attempts, last_error FROM outbox").fetchone()
        assert row == (2, "server error 503")


def test_a_rejected_read_leaves_the_queue_but_not_the_unit(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.db") as box:
        bad, good = a_read(), a_read()
        box.put(bad)
        box.put(good)
        box.reject(str(bad["id"]), "422: reads[0].latitude must be ≤ 90")
        assert box.pending() == [good]
        assert box.rejected() == [(bad["id"], "422: reads[0].latitude must be ≤ 90")]
        stats = box.stats()
        assert (stats.pending, stats.rejected) == (1, 1)


def test_stats_say_how_far_behind(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.db") as box:
        assert box.stats().oldest_queued_at is None
        first = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
        box.put(a_read(), now=first)
        box.put(a_read(), now=first + dt.timedelta(minutes=5))
        assert box.stats().oldest_queued_at == first.isoformat()


def test_reads_it_cannot_keep_are_refused_clearly(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.db") as box:
        with pytest.raises(OutboxError, match="needs an `id`"):
            box.put({"plate": "ABC1234"})
        with pytest.raises(OutboxError, match="is not JSON"):
            box.put({"id": "x", "confidence": float("nan")})
        assert box.stats().pending == 0


def test_reads_past_the_retention_period_are_deleted_queued_or_rejected(tmp_path: Path) -> None:
    cutoff = dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC)
    with Outbox(tmp_path / "outbox.db") as box:
        kept = {**a_read("KEEP001"), "captured_at": "2026-11-16T12:00:00+00:00"}  # exactly at the cutoff
        east = {**a_read("KEEP002"), "captured_at": "2026-11-16T08:00:00-05:00"}  # 13:00 UTC
        old = {**a_read("OLD0001"), "captured_at": "2026-11-16T11:59:59Z"}
        refused = {**a_read("OLD0002"), "captured_at": "2026-11-01T10:00:00+00:00"}
        undated = {**a_read("UNDATED"), "captured_at": "yesterday"}  # never deleted on a guess
        for r in (kept, east, old, refused, a_read("NOTIME1"), undated):
            box.put(r)
        box.reject(str(refused["id"]), "captured_at: is older than the 14-day retention period")
        now = cutoff + dt.timedelta(days=14)
        assert box.expire(cutoff, now) == 2
        assert [r["plate"] for r in box.pending()] == ["KEEP001", "KEEP002", "NOTIME1", "UNDATED"]
        assert box.rejected() == []
        assert box.expire(cutoff, now + dt.timedelta(hours=1)) == 0
        # How many went, and when, is kept for the server (the last week's count goes with each request).
        assert (
            box.deleted_since(now - dt.timedelta(days=7)) == 2 and box.deleted_since(now + dt.timedelta(seconds=1)) == 0
        )
        with pytest.raises(ValueError, match="time zone"):
            box.expire(dt.datetime(2026, 11, 16))


def test_an_outbox_from_before_capture_times_were_kept_apart_still_expires(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    old_schema = (
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, read_id TEXT NOT NULL UNIQUE, queued_at TEXT "
        "NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, rejected_at TEXT)"
    )
    with sqlite3.connect(path) as db:
        db.execute(old_schema)
        for plate, at in (("OLD0001", "2026-11-01T10:00:00+00:00"), ("NEW0001", "2026-11-20T10:00:00+00:00")):
            payload = json.dumps({**a_read(plate), "captured_at": at})
            db.execute("INSERT INTO outbox (read_id, queued_at, payload) VALUES (?, ?, ?)", (plate, at, payload))
    with Outbox(path) as box:
        assert box.expire(dt.datetime(2026, 11, 16, tzinfo=dt.UTC)) == 1
        assert [r["plate"] for r in box.pending()] == ["NEW0001"]
