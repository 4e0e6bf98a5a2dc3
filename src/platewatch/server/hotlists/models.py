"""ORM rows for hot lists, their immutable versions, and the entries of each version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base, utcnow


class HotList(Base):
    __tablename__ = "hotlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # ncic | state | vendor | manual
    default_category: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer)  # 1 = most urgent
    covert: Mapped[bool] = mapped_column(Boolean, default=False)  # hits go to the back office only
    approximate: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # look-alike, 1 edit
    alert_colour: Mapped[str] = mapped_column(String(16), default="red")
    alert_sound: Mapped[str] = mapped_column(String(32), default="alarm")
    import_format: Mapped[str | None] = mapped_column(String(32), nullable=True)
    state_filter: Mapped[str] = mapped_column(String(200), default="")  # e.g. "CT,NY,MA"; empty = all
    watch_folder: Mapped[str] = mapped_column(String(400), default="", server_default="")  # its files land here
    import_every_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0: not scheduled
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class HotListVersion(Base):
    """One immutable state of one list. Its id is also the *global* hot-list version: the distribution
    at version V is, for every list, its newest version with id ≤ V."""

    __tablename__ = "hotlist_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hotlist_id: Mapped[int] = mapped_column(ForeignKey("hotlists.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(String(16))  # import | manual_add | remove | expiry | create
    note: Mapped[str] = mapped_column(String(500), default="")
    entry_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))


class HotListEntryRow(Base):
    __tablename__ = "hotlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("hotlist_versions.id", ondelete="CASCADE"))
    plate: Mapped[str] = mapped_column(String(10))
    state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    category: Mapped[str] = mapped_column(String(32))
    nic: Mapped[str] = mapped_column(String(20), default="")
    ori: Mapped[str] = mapped_column(String(20), default="")
    case_number: Mapped[str] = mapped_column(String(40), default="")
    vehicle_year: Mapped[str] = mapped_column(String(8), default="")
    vehicle_make: Mapped[str] = mapped_column(String(24), default="")
    vehicle_model: Mapped[str] = mapped_column(String(24), default="")
    vehicle_style: Mapped[str] = mapped_column(String(16), default="")
    vehicle_colour: Mapped[str] = mapped_column(String(16), default="")
    plate_year: Mapped[str] = mapped_column(String(8), default="")
    plate_type: Mapped[str] = mapped_column(String(8), default="")
    effective: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    expires: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    purpose: Mapped[str] = mapped_column(String(500), default="")
    owner: Mapped[str] = mapped_column(String(64), default="")  # who entered it (manual entries)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_hotlist_entries_version_plate", "version_id", "plate"),)
