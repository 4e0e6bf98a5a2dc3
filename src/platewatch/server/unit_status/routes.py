"""Unit status API: supervisors, the Program Administrator and equipment staff see where each unit stands; a unit
asks who the server knows it as."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deployments import service as deployments
from platewatch.server.deps import DbDep, NowDep, UnitDep, require
from platewatch.server.supervision import scope
from platewatch.server.unit_status import service
from platewatch.server.unit_status.schemas import UnitSelf, UnitStatusList

router = APIRouter(prefix="/api/v1", tags=["units"])
Overseer = Annotated[UserSession, Depends(require(Permission.VIEW_UNITS))]


@router.get("/units/status", response_model=UnitStatusList, summary="Each unit's contact, hot list, shift and warnings")
def units_status(who: Overseer, db: DbDep, at: NowDep) -> UnitStatusList:
    units, current = service.status(db, at, scope.units_in(db, scope.scope_for(db, who.user)))  # V.E.2g
    return UnitStatusList(units=units, current_hotlist_version=current, warnings=sum(len(u.warnings) for u in units))


@router.get("/unit/me", response_model=UnitSelf, summary="The unit the token belongs to, and the server's clock")
def unit_me(unit: UnitDep, db: DbDep, at: NowDep) -> UnitSelf:
    """For `platewatch unit check` in the car: the token is accepted, for which unit, and how far the unit's clock
    is from the server's (reads are stamped by the unit)."""
    approved_for = deployments.current_sites(db, at, unit.id).get(unit.id, "")
    return UnitSelf(name=unit.name, kind=unit.kind, approved_for=approved_for, server_time=at)
