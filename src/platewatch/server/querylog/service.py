"""Append to and verify the hash-chained Data Query Log; never commits (the caller's transaction does)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from platewatch.domain.querylog import GENESIS_HASH, ChainProblem, QueryLogRecord, verify_chain
from platewatch.server.querylog.models import QueryLogEntry, QueryLogHead

_CHAIN_LOCK_KEY = 0x51_4C_4F_47  # "QLOG": PostgreSQL advisory lock serializing appends


def append(
    db: Session,
    *,
    username: str,
    action: str,
    parameters: dict[str, Any],
    purpose: str,
    case_number: str,
    result_count: int,
    outcome: str,
    now: dt.datetime,
) -> QueryLogEntry:
    """Add one row linked to the previous one, inside the caller's transaction."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    head = db.get(QueryLogHead, 1)
    seq = 1 if head is None else head.seq + 1
    prev = GENESIS_HASH if head is None else head.row_hash
    record = QueryLogRecord(
        seq=seq,
        at=now,
        username=username,
        action=action,
        parameters=parameters,
        purpose=purpose,
        case_number=case_number,
        result_count=result_count,
        outcome=outcome,
        prev_hash=prev,
    )
    digest = record.digest()
    entry = QueryLogEntry(**dataclasses.asdict(record), row_hash=digest)
    db.add(entry)
    if head is None:
        db.add(QueryLogHead(id=1, seq=seq, row_hash=digest))
    else:
        head.seq, head.row_hash = seq, digest
    db.flush()
    return entry


def to_record(entry: QueryLogEntry) -> QueryLogRecord:
    return QueryLogRecord(**{f.name: getattr(entry, f.name) for f in dataclasses.fields(QueryLogRecord)})


def _rows(db: Session) -> Iterator[tuple[QueryLogRecord, str]]:
    stmt = select(QueryLogEntry).order_by(QueryLogEntry.seq).execution_options(yield_per=2000)
    for entry in db.scalars(stmt):
        yield to_record(entry), entry.row_hash


def verify(db: Session) -> tuple[int, list[ChainProblem]]:
    """Check the whole chain; return (rows checked, problems found)."""
    head = db.get(QueryLogHead, 1)
    count = 0

    def counted() -> Iterator[tuple[QueryLogRecord, str]]:
        nonlocal count
        for row in _rows(db):
            count += 1
            yield row

    problems = verify_chain(counted(), None if head is None else (head.seq, head.row_hash))
    return count, problems


def entries(
    db: Session,
    *,
    username: str | None = None,
    case_number: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
    people: Collection[str] | None = None,
) -> list[QueryLogEntry]:
    """Rows newest first; with `people`, only theirs (a supervisor's command, order V.E.2e, V.E.2g)."""
    stmt = select(QueryLogEntry).order_by(QueryLogEntry.seq.desc())
    if people is not None:
        stmt = stmt.where(QueryLogEntry.username.in_(people))
    if username:
        stmt = stmt.where(QueryLogEntry.username == username)
    if case_number:
        stmt = stmt.where(QueryLogEntry.case_number == case_number)
    if since:
        stmt = stmt.where(QueryLogEntry.at >= since)
    if until:
        stmt = stmt.where(QueryLogEntry.at < until)
    return list(db.scalars(stmt.limit(limit).offset(offset)))
