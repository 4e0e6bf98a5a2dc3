"""ORM row of an outcome that came from an LPR search rather than an alert, recorded against the search's log row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class SearchOutcome(Base):
    """A stop, arrest or vehicle recovery that an LPR search (a search, map or read view) led to (V.E.2f)."""

    __tablename__ = "search_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query_log_seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("query_log.seq"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(24))  # stop | arrest | vehicle_recovered
    incident_number: Mapped[str] = mapped_column(String(40), default="")
    leas_subtype: Mapped[str] = mapped_column(String(16), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column()
