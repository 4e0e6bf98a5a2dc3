"""The Notices page (order V.C.1): what someone must act on, who was told, and the acknowledgement."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from platewatch.server.deps import DbDep, NowDep
from platewatch.server.inputs import RowId
from platewatch.server.notices import service
from platewatch.server.notices.routes import Watcher
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, who: Watcher, db: DbDep, closed: bool = False) -> HTMLResponse:
    return page(request, "notices.html", role=who.user.role, notices=service.listing(db, closed), closed=closed)


@router.post("/notices/{notice_id}/acknowledge")
def acknowledge(notice_id: RowId, who: Watcher, db: DbDep, at: NowDep) -> RedirectResponse:
    service.acknowledge(db, notice_id, who.user.username, at)
    db.commit()
    return RedirectResponse("/notices", status_code=303)
