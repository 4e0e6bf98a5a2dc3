"""ORM rows for legal holds, the reads they preserve, and the record of each purge."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base, utcnow


class LegalHold(Base):
    """A preservation obligation (V.D.4): its reads are not purged until it is released."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(String(40), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    released_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    release_note: Mapped[str] = mapped_column(String(500), default="")
    # A hold placed by plate: its scope (the plate as given; its look-alikes are held too), so that reads of that
    # plate captured before the hold and stored after it (a unit out of contact) are held too
    # (`domain.retention.HoldScope`). None for holds on listed reads only.
    plate: Mapped[str | None] = mapped_column(String(10), nullable=True)
    captured_from: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    captured_to: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class HeldRead(Base):
    """One read preserved by one hold."""

    __tablename__ = "held_reads"

    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_holds.id"), primary_key=True)
    read_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reads.id"), primary_key=True, index=True)


class PurgeRun(Base):
    """What one purge deleted and what it kept because of a hold (the purge log)."""

    __tablename__ = "purge_runs"
    __table_args__ = (
        Index("ix_purge_runs_ran_at_id", "ran_at", "id"),
        Index("ix_purge_runs_ran_by_ran_at_id", "ran_by", "ran_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ran_at: Mapped[dt.datetime] = mapped_column()
    cutoff: Mapped[dt.datetime] = mapped_column()
    ran_by: Mapped[str] = mapped_column(String(64))
    reads_deleted: Mapped[int] = mapped_column(Integer)
    alerts_deleted: Mapped[int] = mapped_column(Integer)
    images_deleted: Mapped[int] = mapped_column(Integer)
    hotlist_versions_deleted: Mapped[int] = mapped_column(Integer)
    reads_held: Mapped[int] = mapped_column(Integer)
    dry_run: Mapped[bool] = mapped_column(default=False, server_default=false())
    """A dry run counted what a purge would delete and deleted nothing."""


class CustodyEvent(Base):
    """One step in the chain of custody of a hold's data (V.D.5): who took which evidence package, when."""

    __tablename__ = "custody_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_holds.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column()
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(24))  # exported | transferred | received | returned | destroyed
    package_sha256: Mapped[str] = mapped_column(String(64))
    read_count: Mapped[int] = mapped_column(Integer)
    query_log_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the export's data access
    counterpart: Mapped[str] = mapped_column(String(200), default="")  # to or from whom
    note: Mapped[str] = mapped_column(String(500), default="")
