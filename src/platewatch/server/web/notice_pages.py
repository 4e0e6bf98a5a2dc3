"""The Notices page (order V.C.1): what someone must act on, who was told, and the acknowledgement."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from platewatch.server.deps import DbDep, NowDep
from platewatch.server.inputs import RowId
from platewatch.server.notices import service
from platewatch.server.notices.routes import Watcher
from platewatch.server.supervision import scope
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, who: Watcher, db: DbDep, closed: bool = False) -> HTMLResponse:
    mine = scope.scope_for(db, who.user)  # a supervisor's command: the notices about its units and people (V.E.2g)
    shown = [n for n in service.listing(db, closed) if scope.sees_notice(db, mine, n.key)]
    overseers = {n.id: scope.notice_overseers(db, n.key) for n in shown}
    note = scope.scope_note(mine.command, who.user.role)
    return page(request, "notices.html", role=who.user.role, notices=shown, closed=closed, overseers=overseers,
                scope_note=note)  # fmt: skip


@router.post("/notices/{notice_id}/acknowledge")
def acknowledge(notice_id: RowId, who: Watcher, db: DbDep, at: NowDep) -> RedirectResponse:
    scope.notice_in_scope(db, who.user, notice_id)
    service.acknowledge(db, notice_id, who.user.username, at)
    db.commit()
    return RedirectResponse("/notices", status_code=303)
