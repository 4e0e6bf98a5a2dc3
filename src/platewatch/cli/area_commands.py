"""`platewatch area add|list|retire` (saved search areas) and `platewatch user restrict|unrestrict` (people limited to
areas and a time window, order IV.B.4); each change a security event, as on the web."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import typer
from sqlalchemy.orm import Session, sessionmaker

from platewatch.cli.server_commands import _fail, _settings, out, user_app
from platewatch.domain.geo import parse_polygon
from platewatch.server.areas import service
from platewatch.server.areas.schemas import RestrictionSet
from platewatch.server.db.base import utcnow
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.errors import ApiError

T = TypeVar("T")
area_app = typer.Typer(help="Saved search areas: a district, a school zone (chosen by name in searches).",
                       no_args_is_help=True)  # fmt: skip


def _sessions() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(_settings().database_url))


def _change(work: Callable[[Session], T]) -> T:
    """`work` in one transaction with its security event; a refusal exits 1 naming what is wrong."""
    try:
        with transaction(_sessions()) as db:
            return work(db)
    except ApiError as exc:
        _fail(exc.message)


@area_app.command("add")
def area_add(
    name: str,
    polygon: str = typer.Option(..., help="corners as 'lat,lon;lat,lon;lat,lon…' (at least three)"),
) -> None:
    """Save a named area."""
    try:
        corners = parse_polygon(polygon)
    except ValueError as exc:
        _fail(f"polygon: {exc}")
    saved = _change(lambda db: service.add(db, name, corners, "cli", utcnow()).name)
    out.print(f"area {saved!r} saved ({len(corners)} corners)")


@area_app.command("list")
def area_list(retired: bool = typer.Option(False, "--retired", help="retired areas too")) -> None:
    """The saved areas, by name: corners, who saved each and when."""
    with _sessions()() as db:
        areas = service.listed(db, retired=retired)
        if not areas:
            out.print("no saved areas")
        for a in areas:
            state = f"retired {a.retired_at:%Y-%m-%d} by {a.retired_by}" if a.retired_at else "in use"
            corners = ";".join(f"{p[0]},{p[1]}" for p in a.polygon)
            said = f"{a.name} | {len(a.polygon)} corners | saved by {a.created_by} {a.created_at:%Y-%m-%d} | {state}"
            out.print(f"{said} | {corners}", highlight=False)


@area_app.command("retire")
def area_retire(name: str) -> None:
    """Retire an area: no longer offered in the forms (a restriction made of it still holds)."""
    _change(lambda db: service.retire(db, name, "cli", utcnow()))
    out.print(f"area {name!r} retired")


def _when(text: str | None, name: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        _fail(f"{name}: not an ISO date or time: {text!r}")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@user_app.command("restrict")
def user_restrict(
    username: str,
    area: list[str] = typer.Option([], "--area", help="a saved area the person may see (repeat for several)"),
    captured_from: str = typer.Option("", "--from", help="reads captured at or after (ISO; a date is UTC midnight)"),
    captured_until: str = typer.Option("", "--until", help="reads captured before (ISO)"),
    newer_than_days: int | None = typer.Option(None, "--newer-than-days", help="only reads no older than N days"),
) -> None:
    """Limit a person to saved areas and a time window (replaces an earlier restriction)."""
    body = RestrictionSet(
        areas=area, captured_from=_when(captured_from, "--from"), captured_until=_when(captured_until, "--until"),
        newer_than_days=newer_than_days,
    )  # fmt: skip
    shown = _change(lambda db: service.set_restriction(db, username, body, "cli", utcnow()))
    window = f"{shown.captured_from or '-'} to {shown.captured_until or '-'}"
    said = f"areas {', '.join(shown.areas) or 'any'}; window {window}; newer than {shown.newer_than_days or '-'} days"
    out.print(f"{username} restricted: {said}", highlight=False)


@user_app.command("unrestrict")
def user_unrestrict(username: str) -> None:
    """Lift a person's restriction."""
    _change(lambda db: service.clear_restriction(db, username, "cli"))
    out.print(f"{username} is no longer restricted")


def register(app: typer.Typer) -> None:
    app.add_typer(area_app, name="area")
