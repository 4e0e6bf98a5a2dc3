"""ORM row of what the server last heard from each unit (one row per unit, written by its own requests)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class UnitContact(Base):
    __tablename__ = "unit_contacts"

    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), primary_key=True)
    last_contact_at: Mapped[dt.datetime] = mapped_column()
    last_read_received_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    last_read_captured_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    hotlist_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hotlist_fetched_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    reads_waiting: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the unit's outbox, as it said
    clock_skew_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # the server's clock minus the unit's
    reads_deleted: Mapped[int | None] = mapped_column(Integer, nullable=True)  # unsent, past retention, last 7 days
    disk_free_mib: Mapped[int | None] = mapped_column(Integer, nullable=True)  # beside the unit's outbox, as it said
    reads_lost: Mapped[int | None] = mapped_column(Integer, nullable=True)  # its disk refused them, since its start
    gps_fix_age_s: Mapped[int | None] = mapped_column(Integer, nullable=True)  # -1: no fix yet; None: no receiver
    ingest_refused: Mapped[int | None] = mapped_column(Integer, nullable=True)  # its ingest requests refused (4xx)
    ingest_refused_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)  # the last one's time
    ingest_refused_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)  # status, code, fields
