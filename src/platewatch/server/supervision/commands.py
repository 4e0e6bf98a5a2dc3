"""Commands (order V.E.2g): the administrator groups units and people into commands; each person and unit belongs to
one at most. Every change is a security event (the audit trail). Functions never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from platewatch.server.accounts.models import Unit, User
from platewatch.server.accounts.service import record_event
from platewatch.server.errors import ApiError
from platewatch.server.supervision.models import Command, CommandMember, CommandUnit


class CommandError(ApiError):
    """A command change that cannot be made (an unknown name, a command that exists)."""


@dataclass(frozen=True, slots=True)
class CommandView:
    name: str
    members: list[tuple[str, str]]  # (user name, role)
    units: list[str]


def create(db: Session, name: str, actor: str, now: dt.datetime) -> Command:
    name = name.strip()
    if not name or len(name) > 100:
        raise CommandError(422, "bad_command", "a command's name is 1 to 100 characters")
    if db.scalar(select(Command.id).where(Command.name == name)) is not None:
        raise CommandError(409, "command_exists", f"command {name!r} already exists")
    row = Command(name=name, created_by=actor, created_at=now)
    db.add(row)
    db.flush()
    record_event(db, actor, "command_created", "success", f"command {name}", actor=actor)
    return row


def get(db: Session, name: str) -> Command:
    row = db.scalar(select(Command).where(Command.name == name))
    if row is None:
        raise CommandError(404, "command_not_found", f"no command {name!r}")
    return row


def place_person(db: Session, command: str | None, username: str, actor: str, now: dt.datetime) -> str | None:
    """Put `username` in `command` (None: in no command), out of any other; returns the command they left."""
    if db.scalar(select(User.id).where(User.username == username)) is None:
        raise CommandError(404, "user_not_found", f"no user {username!r}")
    target = get(db, command) if command is not None else None
    old = db.scalar(select(CommandMember).where(CommandMember.username == username))
    left = db.scalar(select(Command.name).where(Command.id == old.command_id)) if old is not None else None
    if old is not None:
        db.delete(old)
        db.flush()
    if target is not None:
        db.add(CommandMember(command_id=target.id, username=username, added_by=actor, added_at=now))
    record_event(db, username, "command_member", "success", f"command {command or '(none)'}, was {left or '(none)'}",
                 actor=actor)  # fmt: skip
    return left


def place_unit(db: Session, command: str | None, unit_name: str, actor: str, now: dt.datetime) -> str | None:
    """Put the unit in `command` (None: in no command), out of any other; returns the command it left."""
    unit = db.scalar(select(Unit).where(Unit.name == unit_name))
    if unit is None:
        raise CommandError(404, "unit_not_found", f"no unit named {unit_name!r}")
    target = get(db, command) if command is not None else None
    old = db.scalar(select(CommandUnit).where(CommandUnit.unit_id == unit.id))
    left = db.scalar(select(Command.name).where(Command.id == old.command_id)) if old is not None else None
    db.execute(delete(CommandUnit).where(CommandUnit.unit_id == unit.id))
    if target is not None:
        db.add(CommandUnit(command_id=target.id, unit_id=unit.id, added_by=actor, added_at=now))
    record_event(db, unit_name, "command_unit", "success", f"command {command or '(none)'}, was {left or '(none)'}",
                 actor=actor)  # fmt: skip
    return left


def listing(db: Session) -> list[CommandView]:
    """Every command with its people and units, by name."""
    out = []
    for c in db.scalars(select(Command).order_by(Command.name)):
        people = db.execute(
            select(User.username, User.role)
            .join(CommandMember, CommandMember.username == User.username)
            .where(CommandMember.command_id == c.id)
            .order_by(User.username)
        ).all()
        units = db.scalars(
            select(Unit.name).join(CommandUnit, CommandUnit.unit_id == Unit.id).where(CommandUnit.command_id == c.id)
        )
        out.append(CommandView(c.name, [(u, r) for u, r in people], sorted(units)))
    return out
