"""ORM rows: saved search areas, and each restricted person's limits (the areas they may see and a time window)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base, utcnow


class SearchArea(Base):
    """A named polygon that searches and maps are chosen by, and that restrictions are made of."""

    __tablename__ = "search_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    polygon: Mapped[list[Any]] = mapped_column()
    """[[lat, lon], …], at least three corners."""
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    retired_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    retired_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    """A retired area is no longer offered in the forms; a restriction made of it still holds (it never widens)."""


class PersonRestriction(Base):
    """A person limited to areas and a time window: every read they reach is filtered by it (ADR 0018)."""

    __tablename__ = "person_restrictions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    captured_from: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    captured_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    newer_than_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PersonRestrictionArea(Base):
    """One of the areas a restricted person may see."""

    __tablename__ = "person_restriction_areas"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person_restrictions.user_id"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("search_areas.id"), primary_key=True)
