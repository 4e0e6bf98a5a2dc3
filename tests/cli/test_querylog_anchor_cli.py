"""`platewatch querylog anchor` and `querylog verify --anchors`: a log rewritten whole, every hash computed
again, passes the chain's own check but not its anchors."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from platewatch.domain.querylog import QueryLogRecord
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.querylog import service as querylog
from platewatch.server.querylog.models import QueryLogEntry, QueryLogHead
from tests.server.test_querylog import drop_guard
from tests.support.cli import run

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def add_rows(url: str, n: int) -> None:
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as db:
        for i in range(n):
            querylog.append(
                db, username="det.smith", action="search", parameters={"plate": f"ABC{i:04d}"},
                purpose="stolen vehicle follow-up", case_number="2026-0042", result_count=1, outcome="ok",
                now=NOW + dt.timedelta(minutes=i),
            )  # fmt: skip
        db.commit()
    sessions.kw["bind"].dispose()


def rewrite_whole(url: str, seq: int, purpose: str) -> None:
    """What someone with the database's keys could do: change a row, then compute every later hash again."""
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as db:
        drop_guard(db)  # database-owner rights
        rows = list(db.scalars(select(QueryLogEntry).where(QueryLogEntry.seq >= seq - 1).order_by(QueryLogEntry.seq)))
        prev = rows[0].row_hash
        for row in rows[1:]:
            if row.seq == seq:
                row.purpose = purpose
            row.prev_hash = prev
            record = QueryLogRecord(**{f.name: getattr(row, f.name) for f in dataclasses.fields(QueryLogRecord)})
            row.row_hash = prev = record.digest()
        head = db.get(QueryLogHead, 1)
        assert head is not None
        head.row_hash = prev
        db.commit()
    sessions.kw["bind"].dispose()


def test_anchors_catch_a_log_rewritten_whole(env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("db", "upgrade")[0] == 0
    anchors = tmp_path / "anchors" / "querylog.jsonl"
    code, out = run("querylog", "anchor")
    assert code == 1 and "PLATEWATCH_QUERYLOG_ANCHOR_FILE" in out
    code, out = run("querylog", "anchor", "--file", str(anchors))
    assert code == 1 and str(anchors.parent) in out  # no such folder: said, nothing written
    anchors.parent.mkdir()
    code, out = run("querylog", "anchor", "--file", str(anchors))
    assert code == 0 and "empty" in out and not anchors.exists()
    add_rows(env, 5)
    code, out = run("querylog", "anchor", "--file", str(anchors))
    assert code == 0 and '"seq": 5' in out
    add_rows(env, 2)
    monkeypatch.setenv("PLATEWATCH_QUERYLOG_ANCHOR_FILE", str(anchors))
    assert run("querylog", "anchor")[0] == 0
    assert len(anchors.read_text().splitlines()) == 2
    code, out = run("querylog", "verify", "--anchors", str(anchors))
    assert code == 0 and "7 rows verified, 2 anchors matched" in out

    rewrite_whole(env, 3, "curiosity")
    code, out = run("querylog", "verify")
    assert code == 0 and "intact" in out  # the chain alone cannot tell
    code, out = run("querylog", "verify", "--anchors", str(anchors))
    assert code == 1 and "row 5:" in out and "rewritten" in out and "row 7:" in out and "NOT intact" in out

    bad = tmp_path / "bad.jsonl"
    bad.write_text(anchors.read_text() + "garbage\n")
    code, out = run("querylog", "verify", "--anchors", str(bad))
    assert code == 1 and "line 3 is not an anchor" in out
    code, out = run("querylog", "verify", "--anchors", str(tmp_path / "none.jsonl"))
    assert code == 1 and "none.jsonl" in out
