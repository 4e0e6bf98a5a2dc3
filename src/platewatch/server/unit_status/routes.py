"""Unit status API: supervisors, the Program Administrator and equipment staff see where each unit stands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, require
from platewatch.server.unit_status import service
from platewatch.server.unit_status.schemas import UnitStatusList

router = APIRouter(prefix="/api/v1", tags=["units"])
Overseer = Annotated[UserSession, Depends(require(Permission.VIEW_UNITS))]


@router.get("/units/status", response_model=UnitStatusList, summary="Each unit's contact, hot list, shift and warnings")
def units_status(_: Overseer, db: DbDep, at: NowDep) -> UnitStatusList:
    units, current = service.status(db, at)
    return UnitStatusList(units=units, current_hotlist_version=current, warnings=sum(len(u.warnings) for u in units))
