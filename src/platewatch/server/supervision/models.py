"""ORM rows for officers assigned to units (and supervisors' overrides), and commands with their members and units."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platewatch.server.db.base import Base


class UnitAssignment(Base):
    """Order V.E.2a: a supervisor assigns a trained officer to a unit for a shift (`kind` "assignment"), or lets an
    officer the unit refused log on (`kind` "override", with why). Cancelled, never deleted."""

    __tablename__ = "unit_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))  # assignment | override
    reason: Mapped[str] = mapped_column(String(500), default="")
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[dt.datetime] = mapped_column()
    cancelled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Command(Base):
    """Order V.E.2g: a supervisor's command, a group of units and people (the administrator keeps them)."""

    __tablename__ = "commands"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column()


class CommandMember(Base):
    """A person in a command (one command at most): a supervisor oversees their own command's units and people."""

    __tablename__ = "command_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    command_id: Mapped[int] = mapped_column(ForeignKey("commands.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column()


class CommandUnit(Base):
    """A unit in a command (one command at most)."""

    __tablename__ = "command_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    command_id: Mapped[int] = mapped_column(ForeignKey("commands.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), unique=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column()
