"""The Search areas page: saved areas listed, drawn or typed and saved, and retired (order IV.B.4); and the choices
of saved areas that the search and map forms offer."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from platewatch.domain.geo import parse_polygon
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.areas import service
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.errors import ApiError
from platewatch.server.web.routes import Searcher, page
from platewatch.server.web.search_forms import map_centre

router = APIRouter(include_in_schema=False)
AreaKeeper = Annotated[UserSession, Depends(require(Permission.MANAGE_AREAS))]
NEXT_PAGES = ("/map", "/areas", "/search")


@router.get("/areas", response_class=HTMLResponse)
def areas_page(request: Request, who: Searcher, db: DbDep, state: StateDep, retired: str = "") -> HTMLResponse:
    s = state.settings
    return page(
        request, "areas.html", role=who.user.role, rows=service.listed(db, retired=bool(retired)), form={},
        saved=request.query_params.get("saved"), save_next="/areas", centre=map_centre(s), tiles=s.map_tiles_url,
        attribution=s.map_attribution,
    )  # fmt: skip


@router.post("/areas")
def save_area(
    who: AreaKeeper,
    db: DbDep,
    at: NowDep,
    name: Annotated[str, Form(max_length=80)] = "",
    polygon: Annotated[str, Form(max_length=10_000)] = "",
    next: Annotated[str, Form(max_length=20)] = "/areas",
) -> RedirectResponse:
    """An area drawn on a map or typed; back to the page it came from, the area chosen there."""
    if not polygon.strip():
        raise ApiError(400, "bad_area", "polygon: draw the area on the map, or type its corners, first")
    try:
        corners = parse_polygon(polygon)
    except ValueError as exc:
        raise ApiError(400, "bad_area", f"polygon: {exc}") from exc
    area = service.add(db, name, corners, who.user.username, at)
    saved = area.name
    db.commit()
    target = next if next in NEXT_PAGES else "/areas"
    query = f"saved={quote(saved)}" if target == "/areas" else f"area={quote(saved)}"
    return RedirectResponse(f"{target}?{query}", status_code=303)


@router.post("/areas/{name}/retire")
def retire_area(name: str, who: AreaKeeper, db: DbDep, at: NowDep) -> RedirectResponse:
    service.retire(db, name, who.user.username, at)
    db.commit()
    return RedirectResponse("/areas", status_code=303)
