"""Supervisors' duties on the command line (order V.E.2a, V.E.2g): `assignment add|override|cancel|list` and
`command add|person|unit|list`. Run on the server by the administrator ("cli" in the audit trail), who is not limited
to a command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.orm import Session

from platewatch.domain.local_time import shown, zone
from platewatch.domain.roles import Role
from platewatch.server.accounts.models import User
from platewatch.server.db.base import utcnow
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.errors import ApiError
from platewatch.server.settings import Settings
from platewatch.server.supervision import assignments, commands
from platewatch.server.supervision.schemas import AssignmentCreate, OverrideCreate

assignment_app = typer.Typer(help="Officers assigned to units for a shift, and overrides (order V.E.2a).",
                             no_args_is_help=True)  # fmt: skip
command_app = typer.Typer(
    help="Supervisors' commands: groups of units and people (order V.E.2g).", no_args_is_help=True
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")
CLI = User(username="cli", role=Role.ADMINISTRATOR.value)
"""Who acts from the command line: the administrator on the server (written "cli" in the audit trail)."""


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


def _in_db(work: Callable[[Session, dt.datetime], T]) -> T:
    """Run `work` in one transaction of the configured database; an ApiError is a message and exit 1."""
    factory = make_sessionmaker(make_engine(Settings().database_url))
    try:
        with transaction(factory) as db:
            return work(db, utcnow())
    except ApiError as exc:
        _fail(exc.message)


def _time(value: str, option: str) -> dt.datetime:
    """An ISO time; without an offset, in the agency's time zone."""
    try:
        given = dt.datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: not a date and time ({value!r}); e.g. 2026-12-06T07:00")
    return given if given.tzinfo else given.replace(tzinfo=zone(Settings().time_zone))


def _body(model: type[T], **values: object) -> T:
    try:
        return model.model_validate(values)  # type: ignore[attr-defined,no-any-return]
    except ValidationError as exc:
        problem = exc.errors()[0]
        _fail(f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}")


@assignment_app.command("add")
def assignment_add(
    unit: str,
    username: str,
    starts: str = typer.Option(..., "--from", help="when the shift begins (ISO; the agency's time without offset)"),
    ends: str = typer.Option(..., "--until", help="when it ends (16 hours later at most)"),
) -> None:
    """Assign a trained officer to a unit for a shift."""
    body = _body(AssignmentCreate, unit=unit, username=username, starts_at=_time(starts, "--from"),
                 ends_at=_time(ends, "--until"))  # fmt: skip
    training = Settings().require_training
    row_id = _in_db(lambda db, now: assignments.assign(db, body, CLI, now, training).id)
    out.print(f"assignment {row_id}: {username} on unit {unit}")


@assignment_app.command("override")
def assignment_override(
    unit: str,
    username: str,
    reason: str = typer.Option(..., help="why the officer takes this unit without being assigned"),
    until: str = typer.Option("", help="when it ends (default and at most: 12 hours from now)"),
) -> None:
    """Let an officer who is not assigned log on to a unit, from now."""
    body = _body(OverrideCreate, unit=unit, username=username, reason=reason,
                 until=_time(until, "--until") if until else None)  # fmt: skip
    row_id = _in_db(lambda db, now: assignments.override(db, body, CLI, now).id)
    out.print(f"override {row_id}: {username} may log on to unit {unit}")


@assignment_app.command("cancel")
def assignment_cancel(assignment_id: int, reason: str = typer.Option("", help="why")) -> None:
    """Cancel an assignment or override (it stays on record, cancelled)."""
    _in_db(lambda db, now: assignments.cancel(db, assignment_id, CLI, now, reason))
    out.print(f"assignment {assignment_id} cancelled")


@assignment_app.command("list")
def assignment_list() -> None:
    """Assignments and overrides that have not ended a day ago, soonest first (times in the agency's zone)."""
    tz = zone(Settings().time_zone)
    _, rows = _in_db(lambda db, now: assignments.listing(db, CLI, now))
    for a in rows:  # one line each, never wrapped into a table's columns
        cancelled = f", cancelled by {a.cancelled_by}" if a.cancelled_by else ""
        why = f": {a.reason}" if a.reason else ""
        out.print(f"{a.id} {a.unit} {a.username} {shown(a.starts_at, tz)} to {shown(a.ends_at, tz)} {a.kind} by "
                  f"{a.assigned_by}{cancelled}{why}", highlight=False)  # fmt: skip
    if not rows:
        out.print("no assignments")


@command_app.command("add")
def command_add(name: str) -> None:
    """Create a command."""
    _in_db(lambda db, now: commands.create(db, name, CLI.username, now))
    out.print(f"command {name} created")


@command_app.command("person")
def command_person(
    username: str, command: str = typer.Argument("", help="the command (left out: in no command)")
) -> None:
    """Put a person in a command (a supervisor then oversees it), or in none."""
    was = _in_db(lambda db, now: commands.place_person(db, command or None, username, CLI.username, now))
    out.print(f"{username}: command {command or '(none)'} (was {was or '(none)'})")


@command_app.command("unit")
def command_unit(name: str, command: str = typer.Argument("", help="the command (left out: in no command)")) -> None:
    """Put a unit in a command, or in none."""
    was = _in_db(lambda db, now: commands.place_unit(db, command or None, name, CLI.username, now))
    out.print(f"unit {name}: command {command or '(none)'} (was {was or '(none)'})")


@command_app.command("list")
def command_list() -> None:
    """Every command with its people and units."""
    for c in _in_db(lambda db, now: commands.listing(db)):
        people = ", ".join(f"{u} ({r})" for u, r in c.members) or "nobody"
        out.print(f"{c.name}: people {people}; units {', '.join(c.units) or 'none'}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(assignment_app, name="assignment")
    app.add_typer(command_app, name="command")
