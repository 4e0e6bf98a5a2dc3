"""Deployment approvals from the operations server's shell (order V.A.2, V.E.1): `deployment approve|revise|end|list`.
The shell is the Program Administrator's; each change is written to the audit trail as by `cli`."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from platewatch.server.db.base import utcnow
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.deployments import service
from platewatch.server.deployments.schemas import DeploymentCreate, DeploymentEnd, DeploymentTerms
from platewatch.server.errors import ApiError
from platewatch.server.settings import Settings

deployment_app = typer.Typer(
    help="Where and when each unit may be used, as the Program Administrator approved it (order V.A.2).",
    no_args_is_help=True,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
ACTOR = "cli"

SiteOption = typer.Option(..., "--site", help="the site's name, or a patrol car's vehicle")
LatOption = typer.Option(None, "--lat", help="the site's fixed latitude (portable units)")
LonOption = typer.Option(None, "--lon", help="the site's fixed longitude (portable units)")
RadiusOption = typer.Option(None, "--radius", help="metres around the position reads may be taken (default 250)")
FromOption = typer.Option(None, "--from", help="ISO 8601 with zone, e.g. 2026-12-07T08:00:00-05:00 (default: now)")
UntilOption = typer.Option(None, "--until", help="ISO 8601 with zone (default: until ended)")
ReasonOption = typer.Option(..., "--reason", help="why the unit is deployed there")


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


def _terms(model: type[BaseModel], **values: Any) -> Any:
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(p) for p in problem["loc"]) or "options"
        _fail(f"{field}: {str(problem['msg']).removeprefix('Value error, ')}")


def _change(action: Any) -> str:
    factory = make_sessionmaker(make_engine(Settings().database_url))
    try:
        with transaction(factory) as db:
            row = action(db, utcnow())
            return f"approval {row.id}"
    except ApiError as exc:
        _fail(exc.message)


@deployment_app.command("approve")
def approve(
    unit: str,
    site: str = SiteOption,
    lat: float | None = LatOption,
    lon: float | None = LonOption,
    radius: float | None = RadiusOption,
    valid_from: str | None = FromOption,
    valid_until: str | None = UntilOption,
    reason: str = ReasonOption,
) -> None:
    """Approve a unit's deployment: a portable unit at a site with its position, a patrol car as its vehicle."""
    body = _terms(DeploymentCreate, unit=unit, site=site, latitude=lat, longitude=lon, radius_m=radius,
                  valid_from=valid_from, valid_until=valid_until, reason=reason)  # fmt: skip
    done = _change(lambda db, now: service.approve(db, body, ACTOR, now))
    out.print(f"{done}: {unit} at {site}", highlight=False)


@deployment_app.command("revise")
def revise(
    approval_id: int,
    site: str = SiteOption,
    lat: float | None = LatOption,
    lon: float | None = LonOption,
    radius: float | None = RadiusOption,
    valid_from: str | None = FromOption,
    valid_until: str | None = UntilOption,
    reason: str = ReasonOption,
) -> None:
    """Replace an approval with new terms: the old one ends now and is kept in the history."""
    body = _terms(DeploymentTerms, site=site, latitude=lat, longitude=lon, radius_m=radius, valid_from=valid_from,
                  valid_until=valid_until, reason=reason)  # fmt: skip
    done = _change(lambda db, now: service.revise(db, approval_id, body, ACTOR, now))
    out.print(f"{done} replaces approval {approval_id}", highlight=False)


@deployment_app.command("end")
def end(approval_id: int, reason: str = typer.Option(..., "--reason", help="why it ends now")) -> None:
    """End an approval now: the unit's reads after it are flagged to supervisors."""
    body = _terms(DeploymentEnd, reason=reason)
    _change(lambda db, now: service.end(db, approval_id, body, ACTOR, now))
    out.print(f"approval {approval_id} ended", highlight=False)


def _at(value: dt.datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="minutes")


@deployment_app.command("list")
def listing(unit: str | None = typer.Option(None, "--unit", help="one unit only")) -> None:
    """Every approval (the history), by unit, newest first."""
    factory = make_sessionmaker(make_engine(Settings().database_url))
    try:
        with transaction(factory) as db:
            rows = service.listing(db, utcnow(), unit)
    except ApiError as exc:
        _fail(exc.message)
    if not rows:
        out.print("no approvals recorded")
    for a in rows:  # one line each, whole: a table would cut the site's words in a narrow terminal
        where = (
            a.site if a.latitude is None else f"{a.site} ({a.latitude:.5f}, {a.longitude:.5f}, {a.radius_m or 250:g} m)"
        )
        until = f"until {_at(a.valid_until)}" if a.valid_until else "until ended"
        status = (
            f"ended {_at(a.ended_at)} by {a.ended_by}: {a.end_reason}"
            if a.ended_at
            else ("current" if a.current else "not in force now")
        )
        out.print(f"#{a.id} {a.unit} ({a.unit_kind}): {where}, from {_at(a.valid_from)} {until}; approved by "
                  f"{a.approved_by}: {a.reason}; {status}", highlight=False)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(deployment_app, name="deployment")
