"""ORM row of a deployment approval: which unit, where, from when to when, why, who approved it, and its end."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class DeploymentApproval(Base):
    """One approval, never rewritten: ending or revising it sets `ended_*` (a revision is a new row that `replaces`
    it), so the history of where a unit was approved stays whole."""

    __tablename__ = "deployment_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    site: Mapped[str] = mapped_column(String(200))
    """The site's name, or for a patrol car the vehicle."""
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    radius_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    valid_from: Mapped[dt.datetime] = mapped_column()
    valid_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    reason: Mapped[str] = mapped_column(String(500))
    approved_by: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[dt.datetime] = mapped_column()
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("deployment_approvals.id"), nullable=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    end_reason: Mapped[str] = mapped_column(String(500), default="")
