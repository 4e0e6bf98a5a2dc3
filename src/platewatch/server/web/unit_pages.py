"""The units page (order V.E.2g-h, V.E.3, V.F.2): each unit's officer on shift, last contact and hot list, with what a
supervisor must act on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, require
from platewatch.server.supervision import scope
from platewatch.server.unit_status import service
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)
Overseer = Annotated[UserSession, Depends(require(Permission.VIEW_UNITS))]


@router.get("/units", response_class=HTMLResponse)
def units_page(request: Request, who: Overseer, db: DbDep, at: NowDep) -> HTMLResponse:
    mine = scope.scope_for(db, who.user)
    units, current = service.status(db, at, scope.units_in(db, mine))
    note = scope.scope_note(mine.command, who.user.role)
    return page(request, "units.html", units=units, current=current, role=who.user.role, scope_note=note)
