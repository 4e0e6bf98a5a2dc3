"""Deployments API (order V.A.2, V.E.1, III.8): the Program Administrator approves, revises and ends where each unit
may be used; supervisors and equipment staff see the approvals, their history and the reads taken outside them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import Unit, UserSession
from platewatch.server.deployments import service
from platewatch.server.deployments.schemas import (
    DeploymentCreate,
    DeploymentEnd,
    DeploymentList,
    DeploymentPublic,
    DeploymentTerms,
    FlaggedReadList,
)
from platewatch.server.deps import DbDep, NowDep, require
from platewatch.server.inputs import RowId

router = APIRouter(prefix="/api/v1/deployments", tags=["deployments"])
Approver = Annotated[UserSession, Depends(require(Permission.APPROVE_DEPLOYMENTS))]
Overseer = Annotated[UserSession, Depends(require(Permission.VIEW_UNITS))]
UnitName = Annotated[str | None, Query(min_length=1, max_length=64, description="one unit's name")]


@router.get("", response_model=DeploymentList, summary="Every approval (the history), by unit, newest first")
def list_deployments(_: Overseer, db: DbDep, at: NowDep, unit: UnitName = None) -> DeploymentList:
    return DeploymentList(deployments=service.listing(db, at, unit))


@router.post("", status_code=201, response_model=DeploymentPublic, summary="Approve a unit's deployment")
def approve(body: DeploymentCreate, who: Approver, db: DbDep, at: NowDep) -> DeploymentPublic:
    row = service.approve(db, body, who.user.username, at)
    db.commit()
    return service.public(row, db.get_one(Unit, row.unit_id), at)


@router.post(
    "/{approval_id}/revise", status_code=201, response_model=DeploymentPublic,
    summary="Replace an approval with new terms (the old one ends now and is kept)",
)  # fmt: skip
def revise(approval_id: RowId, body: DeploymentTerms, who: Approver, db: DbDep, at: NowDep) -> DeploymentPublic:
    row = service.revise(db, approval_id, body, who.user.username, at)
    db.commit()
    return service.public(row, db.get_one(Unit, row.unit_id), at)


@router.post("/{approval_id}/end", response_model=DeploymentPublic, summary="End an approval now")
def end(approval_id: RowId, body: DeploymentEnd, who: Approver, db: DbDep, at: NowDep) -> DeploymentPublic:
    row = service.end(db, approval_id, body, who.user.username, at)
    db.commit()
    return service.public(row, db.get_one(Unit, row.unit_id), at)


@router.get(
    "/flagged-reads", response_model=FlaggedReadList,
    summary="Reads taken outside any approved deployment, newest first (no plates)",
)  # fmt: skip
def flagged_reads(
    _: Overseer,
    db: DbDep,
    unit: UnitName = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 200,
) -> FlaggedReadList:
    return FlaggedReadList(reads=service.flagged(db, unit, limit))
