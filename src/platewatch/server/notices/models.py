"""ORM row of a notice: one cause, who was told, when, and who acknowledged it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class Notice(Base):
    """One cause someone must act on, from the round of checks that found it until the one that found it gone."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    audience: Mapped[str] = mapped_column(String(16))  # hotlists | units
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(1000))
    opened_at: Mapped[dt.datetime] = mapped_column()
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    send_error: Mapped[str] = mapped_column(String(300), default="")
    acknowledged_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True, index=True)
