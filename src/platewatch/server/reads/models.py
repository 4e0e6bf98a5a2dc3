"""ORM row for a read (order III.9): OCR values, time, place, images by hash, hot-list version.

On PostgreSQL the table is partitioned by UTC day of `captured_at` (migration 0031, ADR 0019): its primary key there is
(id, captured_at), and alerts, alert repeats and holdings name a read without a foreign key. SQLite keeps one table,
keyed by id, with those foreign keys. The mapper's identity stays the id (a read's id is its client's UUID)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platewatch.server.accounts.models import Unit
from platewatch.server.db.base import Base, utcnow

_FLAGGED = text("outside_deployment IS NOT NULL")


class Read(Base):
    __tablename__ = "reads"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the client's UUID: idempotent ingest
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    camera: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[dt.datetime] = mapped_column()
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    plate: Mapped[str] = mapped_column(String(10))
    plate_canonical: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float)
    candidates: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    state_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    heading: Mapped[float | None] = mapped_column(Float, nullable=True)
    plate_image: Mapped[str | None] = mapped_column(String(64), nullable=True)
    vehicle_image: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hotlist_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="platewatch")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    approval_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The deployment approval that covered the read when it arrived (order V.A.2; no foreign key: ingest's COPY)."""
    position_from_site: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The position is the approved site's fixed position, given at ingest to a portable unit without GPS: not GPS."""
    outside_deployment: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """no_approval | off_site: taken outside any approved deployment, flagged to supervisors (order V.A.2, V.E.1)."""
    found_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The unit found the plate plainly but its reading is too unsure to report (rule PASS-2, ADR 0025): kept and
    shown, matched against no hot list."""

    unit: Mapped[Unit] = relationship(lazy="raise")

    __table_args__ = (
        Index("ix_reads_captured_at_plate", "captured_at", "plate"),
        # The purge's keyset: each batch of expired reads starts where the last ended, read in index order.
        Index("ix_reads_captured_at_id", "captured_at", "id"),
        Index("ix_reads_plate_captured_at", "plate", "captured_at"),
        Index("ix_reads_unit_captured_at", "unit_id", "captured_at"),
        # Look-alike search and holds by plate: equality on the canonical plate within a time range.
        Index("ix_reads_canonical_captured_at", "plate_canonical", "captured_at"),
        # The few reads taken outside an approved deployment, for their list and the supervisors' notice.
        Index("ix_reads_outside_deployment", "captured_at", postgresql_where=_FLAGGED, sqlite_where=_FLAGGED),
    )


class ReadImage(Base):
    """A stored image file of a day's reads and the newest capture time of a read of that day that names it (ADR
    0019, 0023). A whole day's rows go with the day (on PostgreSQL the table is partitioned by `day`, like `reads`);
    the purge deletes one row (and its file) only for the day the retention cutoff falls in, and for the images of
    held reads once they are released."""

    __tablename__ = "read_images"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    """The UTC day of the reads that name it: its file is in that day's folder (`imagestore`)."""
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_captured_at: Mapped[dt.datetime] = mapped_column()

    __table_args__ = (Index("ix_read_images_last_captured_at", "last_captured_at", "digest"),)


class RetiredImageDay(Base):
    """A day whose image folder the purge has removed (ADR 0023): ingest refuses reads of it from then on, so no read
    is stored with an image in a folder that is going."""

    __tablename__ = "retired_image_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    retired_at: Mapped[dt.datetime] = mapped_column()
