"""The map page (order IV.B.2): a search's reads on a map, alarms marked, through the same query log as the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from platewatch.domain.geo import parse_bbox
from platewatch.server.deps import StateDep
from platewatch.server.maps.routes import MapCtx, mapped
from platewatch.server.search.params import SearchQueryDep
from platewatch.server.web.routes import Searcher, page

router = APIRouter(include_in_schema=False)


def _map_page(request: Request, state: StateDep, role: str, **context: Any) -> HTMLResponse:
    s = state.settings
    area = parse_bbox(s.map_area)
    centre = ((area.min_lat + area.max_lat) / 2, (area.min_lon + area.max_lon) / 2)
    return page(
        request, "map.html", role=role, tiles=s.map_tiles_url, attribution=s.map_attribution,
        default_bbox=s.map_area, centre=centre, max_points=s.search_max_page_size, **context,
    )  # fmt: skip


@router.get("/map", response_class=HTMLResponse)
def map_form(request: Request, session: Searcher, state: StateDep) -> HTMLResponse:
    return _map_page(request, state, session.user.role, form={}, geojson=None)


@router.get("/map/results", response_class=HTMLResponse)
def map_results(request: Request, ctx: MapCtx, query: SearchQueryDep, state: StateDep) -> HTMLResponse:
    geojson = mapped(ctx, query)
    return _map_page(
        request, state, ctx.role, form=dict(request.query_params), geojson=geojson, seq=geojson["query_log_seq"],
        case_number=ctx.case_number,
    )  # fmt: skip
