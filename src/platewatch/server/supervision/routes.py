"""Assignments and commands API (order V.E.2a, V.E.2g): supervisors assign officers to units and override a refused
log-on in their command; the administrator keeps the commands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.inputs import RowId
from platewatch.server.supervision import assignments, commands
from platewatch.server.supervision.schemas import (
    AssignmentCancel,
    AssignmentCreate,
    AssignmentList,
    AssignmentPublic,
    CommandCreate,
    CommandPlace,
    CommandPublic,
    MemberPublic,
    OverrideCreate,
    PlaceResult,
)

router = APIRouter(prefix="/api/v1/assignments", tags=["supervision"])
command_router = APIRouter(prefix="/api/v1/commands", tags=["supervision"])
Assigner = Annotated[UserSession, Depends(require(Permission.ASSIGN_UNITS))]
Keeper = Annotated[UserSession, Depends(require(Permission.MANAGE_COMMANDS))]
Name = Annotated[str, Path(max_length=100)]


@router.get("", response_model=AssignmentList, summary="Officers assigned to units, in your command (V.E.2a)")
def list_assignments(who: Assigner, db: DbDep, at: NowDep) -> AssignmentList:
    command, rows = assignments.listing(db, who.user, at)
    return AssignmentList(command=command, assignments=rows)


@router.post("", status_code=201, response_model=AssignmentPublic, summary="Assign a trained officer to a unit")
def assign(body: AssignmentCreate, who: Assigner, db: DbDep, at: NowDep, state: StateDep) -> AssignmentPublic:
    row = assignments.assign(db, body, who.user, at, state.settings.require_training)
    db.commit()
    return assignments.public(row, body.unit)


@router.post(
    "/overrides", status_code=201, response_model=AssignmentPublic,
    summary="Let an officer who is not assigned log on to a unit (from now, 12 hours at most), with why",
)  # fmt: skip
def override(body: OverrideCreate, who: Assigner, db: DbDep, at: NowDep) -> AssignmentPublic:
    row = assignments.override(db, body, who.user, at)
    db.commit()
    return assignments.public(row, body.unit)


@router.post("/{assignment_id}/cancel", response_model=AssignmentPublic, summary="Cancel an assignment or override")
def cancel(assignment_id: RowId, body: AssignmentCancel, who: Assigner, db: DbDep, at: NowDep) -> AssignmentPublic:
    row = assignments.cancel(db, assignment_id, who.user, at, body.reason)
    db.commit()
    return assignments.public_of(db, row)


@command_router.get("", response_model=list[CommandPublic], summary="Commands with their people and units")
def list_commands(_: Keeper, db: DbDep) -> list[CommandPublic]:
    return [
        CommandPublic(name=c.name, members=[MemberPublic(username=u, role=r) for u, r in c.members], units=c.units)
        for c in commands.listing(db)
    ]


@command_router.post("", status_code=201, response_model=CommandPublic, summary="Create a command")
def create_command(body: CommandCreate, who: Keeper, db: DbDep, at: NowDep) -> CommandPublic:
    row = commands.create(db, body.name, who.user.username, at)
    db.commit()
    return CommandPublic(name=row.name, members=[], units=[])


@command_router.put("/members/{username}", response_model=PlaceResult, summary="Put a person in a command (or none)")
def place_person(username: Name, body: CommandPlace, who: Keeper, db: DbDep, at: NowDep) -> PlaceResult:
    was = commands.place_person(db, body.command, username, who.user.username, at)
    db.commit()
    return PlaceResult(name=username, command=body.command, was=was)


@command_router.put("/units/{name}", response_model=PlaceResult, summary="Put a unit in a command (or none)")
def place_unit(name: Name, body: CommandPlace, who: Keeper, db: DbDep, at: NowDep) -> PlaceResult:
    was = commands.place_unit(db, body.command, name, who.user.username, at)
    db.commit()
    return PlaceResult(name=name, command=body.command, was=was)
