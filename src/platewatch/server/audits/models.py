"""ORM rows for audits of data use and the query-log rows each one reviews."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class Audit(Base):
    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period_start: Mapped[dt.datetime] = mapped_column()
    period_end: Mapped[dt.datetime] = mapped_column()
    accesses_in_period: Mapped[int] = mapped_column(Integer)
    log_intact: Mapped[bool] = mapped_column(Boolean)
    log_rows_checked: Mapped[int] = mapped_column(Integer)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[dt.datetime] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    summary: Mapped[str] = mapped_column(String(4000), default="")


class AuditItem(Base):
    """One sampled access (a query-log row) and what the auditor found."""

    __tablename__ = "audit_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    query_log_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    finding: Mapped[str | None] = mapped_column(String(16), nullable=True)  # compliant | not_compliant | follow_up
    note: Mapped[str] = mapped_column(String(1000), default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
