"""ORM rows for the query log and its head (the last seq and hash, to detect a truncated tail)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class QueryLogEntry(Base):
    __tablename__ = "query_log"
    # The log's pages (issue 24) are newest first by time, then row number: an index for that order and one for each
    # filter followed by it, so that a page, however deep and with a date window, is one index range; the purpose's
    # text search has a trigram index on PostgreSQL (migration 0030).
    __table_args__ = (
        Index("ix_query_log_at_seq", "at", "seq"),
        *(Index(f"ix_query_log_{c}_at_seq", c, "at", "seq") for c in ("username", "case_number", "action", "outcome")),
    )

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column()
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, Any]] = mapped_column()
    purpose: Mapped[str] = mapped_column(String(500))
    case_number: Mapped[str] = mapped_column(String(40))
    result_count: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class QueryLogHead(Base):
    __tablename__ = "query_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    row_hash: Mapped[str] = mapped_column(String(64))
