"""Anchoring the Data Query Log: its head appended to an anchor file, and a log checked against such a file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.querylog import ChainProblem
from platewatch.domain.querylog_anchors import Anchor, check_anchors
from platewatch.server.querylog.models import QueryLogEntry, QueryLogHead

CHUNK = 500


def current(db: Session, now: dt.datetime) -> Anchor | None:
    """The log's head now; None while the log is empty."""
    head = db.get(QueryLogHead, 1)
    return None if head is None or head.seq < 1 else Anchor(head.seq, head.row_hash, now)


def append_anchor(db: Session, path: Path, now: dt.datetime) -> Anchor | None:
    """Append the head to `path` (one JSON line, synced to disk); nothing while the log is empty."""
    anchor = current(db, now)
    if anchor is not None:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(anchor.line() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    return anchor


def verify_anchors(db: Session, anchors: Sequence[Anchor]) -> list[ChainProblem]:
    """Each anchored row must still be in the log with its anchored hash."""
    seqs = sorted({a.seq for a in anchors})
    stored: dict[int, str] = {}
    for i in range(0, len(seqs), CHUNK):
        chunk = seqs[i : i + CHUNK]
        stmt = select(QueryLogEntry.seq, QueryLogEntry.row_hash).where(QueryLogEntry.seq.in_(chunk))
        stored.update({int(seq): str(h) for seq, h in db.execute(stmt)})
    return check_anchors(anchors, stored)
