"""ORM row for an alert (a hit): which read, which entry of which version, how it matched, and its lifecycle."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base, utcnow


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    read_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reads.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hotlist_entries.id"), index=True)
    hotlist_id: Mapped[int] = mapped_column(ForeignKey("hotlists.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("hotlist_versions.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    origin: Mapped[str] = mapped_column(String(16))  # ingest | retro | unit
    match_kind: Mapped[str] = mapped_column(String(16))  # exact | lookalike | one_edit
    matched_text: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(200))
    priority: Mapped[int] = mapped_column(Integer)
    state_match: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    covert: Mapped[bool] = mapped_column(Boolean, default=False)

    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reject_note: Mapped[str] = mapped_column(String(500), default="")
    verified_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    verified_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    verification_note: Mapped[str] = mapped_column(String(500), default="")
    disposition: Mapped[str | None] = mapped_column(String(24), nullable=True)
    incident_number: Mapped[str] = mapped_column(String(40), default="")
    leas_subtype: Mapped[str] = mapped_column(String(16), default="", server_default="")  # V.E.2f
    disposed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    disposed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)

    __table_args__ = (
        Index("ix_alerts_status_created", "status", "created_at"),
        Index("uq_alerts_read_entry", "read_id", "entry_id", unique=True),
    )


class AlertRepeat(Base):
    """A pass of the alert's listed vehicle by the same unit, on the same list, within the repeat window: suppressed
    (no alert of its own) and counted on the alert that stands, with its time and place (ADR 0012)."""

    __tablename__ = "alert_repeats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    read_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reads.id", ondelete="CASCADE"), index=True)
    captured_at: Mapped[dt.datetime] = mapped_column()
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    match_kind: Mapped[str] = mapped_column(String(16))
    matched_text: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    """When the server suppressed it (the audit trail: the pass is kept, only its alarm is not raised)."""

    __table_args__ = (Index("uq_alert_repeats_alert_read", "alert_id", "read_id", unique=True),)
