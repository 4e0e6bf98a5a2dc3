"""ORM rows for pieces of LPR equipment and the history of each."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class Equipment(Base):
    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # camera | mdc | trailer | gps | other
    description: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16))  # in_service | damaged | repair | retired
    added_at: Mapped[dt.datetime] = mapped_column()
    last_inventoried_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    maintain_every_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the manufacturer's (V.A.6)
    last_maintained_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class EquipmentEvent(Base):
    """One thing that happened to a piece: added, damage reported, status changed, seen at the annual check,
    cleaned or serviced."""

    __tablename__ = "equipment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column()
    username: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(24))  # added|damage_reported|status_changed|inventoried|maintained
    status: Mapped[str] = mapped_column(String(16))  # the status after the event
    note: Mapped[str] = mapped_column(String(500), default="")
