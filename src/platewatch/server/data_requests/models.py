"""ORM row of the data-request register: one request for LPR data, from its receipt to its final status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class DataRequest(Base):
    """Who asked, from which agency or unit, when, for what case, on what legal basis; who reviewed it and what they
    decided; what was released and when; where it stands (order V.D.7-8)."""

    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_at: Mapped[dt.datetime] = mapped_column(index=True)
    requester: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200))
    agency_unit: Mapped[str] = mapped_column(String(200), default="")
    in_town: Mapped[bool] = mapped_column(Boolean)
    case_number: Mapped[str] = mapped_column(String(40), index=True)
    asked_for: Mapped[str] = mapped_column(String(1000))
    legal_basis: Mapped[str] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), index=True)  # received|approved|denied|fulfilled|closed
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decision_note: Mapped[str] = mapped_column(String(1000), default="")
    released: Mapped[str] = mapped_column(String(1000), default="")
    released_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    finished_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    finish_note: Mapped[str] = mapped_column(String(1000), default="")
