"""ORM row for an officer's shift on a unit: who logged on to the car's LPR system, and when it ended."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class UnitShift(Base):
    """Order V.E.8a: the officer logs onto the LPR system at the start of each shift; decisions on the unit's
    alerts carry the shift, and so the officer."""

    __tablename__ = "unit_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime] = mapped_column()
    ended_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)  # logoff | replaced
