"""Command scope (order V.E.2g): which command a person or unit belongs to, and what a supervisor oversees. The
pages and lists that follow a supervisor's command ask here. Functions never commit."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.roles import Role
from platewatch.domain.supervision import Scope, about, overseers, per_supervisor, scope_of
from platewatch.server.accounts.models import Unit, User
from platewatch.server.errors import ApiError
from platewatch.server.notices.models import Notice
from platewatch.server.supervision.models import Command, CommandMember, CommandUnit


def command_of(db: Session, username: str) -> str | None:
    """The name of the command `username` belongs to, or None."""
    stmt = select(Command.name).join(CommandMember, CommandMember.command_id == Command.id)
    return db.scalar(stmt.where(CommandMember.username == username))


def commands_of(db: Session, usernames: Collection[str]) -> dict[str, str | None]:
    """The command each of `usernames` belongs to (None: none), in one query."""
    names = list(usernames)
    stmt = select(CommandMember.username, Command.name).join(Command, Command.id == CommandMember.command_id)
    found = {member: command for member, command in db.execute(stmt.where(CommandMember.username.in_(names)))}
    return {name: found.get(name) for name in names}


def _supervisors_commands(db: Session) -> dict[str, str | None]:
    """Each active supervisor's command."""
    supervisors = db.scalars(select(User.username).where(User.role == Role.SUPERVISOR.value, User.active.is_(True)))
    return commands_of(db, list(supervisors))


def unit_command(db: Session, unit_id: uuid.UUID) -> str | None:
    stmt = select(Command.name).join(CommandUnit, CommandUnit.command_id == Command.id)
    return db.scalar(stmt.where(CommandUnit.unit_id == unit_id))


def scope_for(db: Session, user: User) -> Scope:
    """What `user` oversees: their command if they are a supervisor in one; everything otherwise."""
    role = Role(user.role)
    return scope_of(role, command_of(db, user.username) if role is Role.SUPERVISOR else None)


def units_in(db: Session, scope: Scope) -> set[uuid.UUID] | None:
    """The ids of the units in `scope`; None for everything."""
    if scope.everything:
        return None
    stmt = select(CommandUnit.unit_id).join(Command, Command.id == CommandUnit.command_id)
    return set(db.scalars(stmt.where(Command.name == scope.command)))


def people_in(db: Session, scope: Scope) -> set[str] | None:
    """The user names of the people in `scope`; None for everything."""
    if scope.everything:
        return None
    stmt = select(CommandMember.username).join(Command, Command.id == CommandMember.command_id)
    return set(db.scalars(stmt.where(Command.name == scope.command)))


def holds_unit(db: Session, scope: Scope, unit_id: uuid.UUID) -> bool:
    return scope.holds(unit_command(db, unit_id))


def holds_person(db: Session, scope: Scope, username: str) -> bool:
    return scope.holds(command_of(db, username))


def supervisors_of(db: Session, units: Collection[uuid.UUID] = (), people: Collection[str] = ()) -> list[str]:
    """The active supervisors whose scope holds any of `units` or `people` (order V.E.2g: notices about them go to
    these supervisors)."""
    commands = _supervisors_commands(db)
    named = [unit_command(db, u) for u in units] + list(commands_of(db, people).values())
    return sorted({s for c in named for s in overseers(commands, c)})


def unit_names(db: Session, scope: Scope) -> list[str]:
    """The names of the active units in `scope`, for the forms that pick one."""
    ids = units_in(db, scope)
    stmt = select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.name)
    return list(db.scalars(stmt if ids is None else stmt.where(Unit.id.in_(ids))))


def scope_note(command: str | None, role: str) -> str:
    """What a page tells a supervisor of what it shows them (order V.E.2g); nothing for other roles."""
    if role != Role.SUPERVISOR.value:
        return ""
    if command is None:
        return "You belong to no command: you see every unit and every person."
    return f"Your command: {command}. You see its units and people only."


def log_scope_note(command: str | None, role: str) -> str:
    """What the query log's page tells a supervisor of whose queries it shows (V.E.2e); nothing for other roles."""
    if role != Role.SUPERVISOR.value:
        return ""
    if command is None:
        return "You belong to no command: the log shows everyone's queries."
    return f"Your command: {command}. The log shows the queries of its people only."


def sees_notice(db: Session, scope: Scope, key: str) -> bool:
    """Whether a notice (by its key) is for someone of `scope`: one about a unit or officer goes to the supervisors
    whose scope holds it (V.E.2g); one about neither (a hot list) to everyone who sees notices."""
    subject = about(key)
    if scope.everything or subject is None:
        return True
    kind, name = subject
    if kind == "person":
        return holds_person(db, scope, name)
    unit_id = db.scalar(select(Unit.id).where(Unit.name == name))
    return unit_id is not None and holds_unit(db, scope, unit_id)


def notice_overseers(db: Session, key: str) -> list[str]:
    """The supervisors a notice about a unit or officer goes to (their scope holds it); [] for one about neither."""
    subject = about(key)
    if subject is None:
        return []
    kind, name = subject
    if kind == "person":
        return supervisors_of(db, people=[name])
    unit_id = db.scalar(select(Unit.id).where(Unit.name == name))
    return [] if unit_id is None else supervisors_of(db, units=[unit_id])


def people_for(db: Session, user: User) -> set[str] | None:
    """The people `user` oversees (a supervisor's command), None for everyone: the query log's scope (V.E.2e)."""
    return people_in(db, scope_for(db, user))


def gaps_per_supervisor(db: Session, counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Counts per officer summed per active supervisor over the officers in their command (V.E.2f per supervisor)."""
    return per_supervisor(counts, _supervisors_commands(db), commands_of(db, counts))


def notice_in_scope(db: Session, user: User, notice_id: int) -> None:
    """A notice outside the supervisor's command is as unknown to them as one that does not exist (404)."""
    notice = db.get(Notice, notice_id)
    if notice is not None and not sees_notice(db, scope_for(db, user), notice.key):
        raise ApiError(404, "not_found", f"no notice {notice_id}")
