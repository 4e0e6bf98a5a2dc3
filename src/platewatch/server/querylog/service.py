"""Append to and verify the hash-chained Data Query Log; never commits (the caller's transaction does)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from platewatch.domain.log_pages import PAGE_SIZE, Cursor, LogFilter
from platewatch.domain.querylog import GENESIS_HASH, ChainProblem, QueryLogRecord, verify_chain
from platewatch.server.log_pages import Page, keyset_page
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


def conditions(f: LogFilter, people: Collection[str] | None = None) -> list[ColumnElement[bool]]:
    """The SQL conditions of `f`'s criteria: each has an index with the time and the row number (migration 0030); with
    `people`, only their rows (a supervisor's command, order V.E.2e, V.E.2g)."""
    found: list[ColumnElement[bool]] = []
    if people is not None:
        found.append(QueryLogEntry.username.in_(sorted(people)))
    if f.username is not None:
        found.append(QueryLogEntry.username == f.username)
    if f.purpose is not None:
        escaped = f.purpose.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found.append(QueryLogEntry.purpose.ilike(f"%{escaped}%", escape="\\"))
    if f.case_number is not None:
        found.append(QueryLogEntry.case_number == f.case_number)
    if f.action is not None:
        found.append(QueryLogEntry.action == f.action)
    if f.outcome is not None:
        found.append(QueryLogEntry.outcome == f.outcome)
    if f.since is not None:
        found.append(QueryLogEntry.at >= f.since)
    if f.until is not None:
        found.append(QueryLogEntry.at < f.until)
    return found


def page(
    db: Session,
    f: LogFilter,
    cursor: Cursor | None = None,
    limit: int = PAGE_SIZE,
    people: Collection[str] | None = None,
) -> Page[QueryLogEntry]:
    """One page of the rows matching `f` (and `people`'s, when given), newest first, and the cursors of its
    neighbours; FilterError when the cursor names no row."""
    where = conditions(f, people)
    return keyset_page(db, QueryLogEntry, (QueryLogEntry.at, QueryLogEntry.seq), where, cursor, limit)


def matching(db: Session, f: LogFilter, limit: int, people: Collection[str] | None = None) -> list[QueryLogEntry]:
    """The newest `limit` rows matching `f` (and `people`'s, when given) for an export, newest first."""
    newest_first = (QueryLogEntry.at.desc(), QueryLogEntry.seq.desc())
    stmt = select(QueryLogEntry).where(*conditions(f, people)).order_by(*newest_first).limit(limit)
    return list(db.scalars(stmt.execution_options(yield_per=2000)))


def accessed(rows: int, described: str, cursor: str | None = None, how: str = "") -> str:
    """The access's security-event detail: how many rows, with which filters (cut to the column's 500 characters)."""
    text = f"{rows} rows{how}; filters: {described}" + (f"; page {cursor}" if cursor else "")
    return text[:500]
