"""The map page (order IV.B.2): a search's reads on a map, alarms marked, through the same query log as the API; and a
plate's timeline: its reads in time order with their places, and the path between them on a map."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from platewatch.server.alerts.routes import sees_covert
from platewatch.server.deps import DbDep, StateDep
from platewatch.server.errors import ApiError
from platewatch.server.maps.routes import MapCtx, mapped
from platewatch.server.maps.service import alarms_by_read, feature_collection
from platewatch.server.search import service as search
from platewatch.server.search.params import SearchQueryDep
from platewatch.server.search.service import Mode
from platewatch.server.web.routes import Searcher, page
from platewatch.server.web.search_forms import area_choices, export_query, map_centre

router = APIRouter(include_in_schema=False)


def _map_page(request: Request, state: StateDep, role: str, template: str = "map.html", **context: Any) -> HTMLResponse:
    s = state.settings
    return page(
        request, template, role=role, tiles=s.map_tiles_url, attribution=s.map_attribution,
        default_bbox=s.map_area, centre=map_centre(s), max_points=s.search_max_page_size, save_next="/map", **context,
    )  # fmt: skip


@router.get("/map", response_class=HTMLResponse)
def map_form(request: Request, session: Searcher, db: DbDep, state: StateDep) -> HTMLResponse:
    form = {"area": request.query_params.get("area", "")}  # a saved area's page, or the area just saved, opens it
    return _map_page(request, state, session.user.role, form=form, geojson=None, areas=area_choices(db))


@router.get("/map/results", response_class=HTMLResponse)
def map_results(request: Request, ctx: MapCtx, query: SearchQueryDep, state: StateDep) -> HTMLResponse:
    geojson = mapped(ctx, query)
    seq = geojson["query_log_seq"]
    return _map_page(
        request, state, ctx.role, form=dict(request.query_params), geojson=geojson, seq=seq,
        case_number=ctx.case_number, areas=area_choices(ctx.db), export_query=export_query(request, seq),
    )  # fmt: skip


@router.get("/timeline", response_class=HTMLResponse)
def plate_timeline(request: Request, ctx: MapCtx, query: SearchQueryDep, state: StateDep) -> HTMLResponse:
    """One plate's reads in time order, oldest first, with their places, alarms and the path between them on a map
    (query-logged like a map; opened from a read's page with its query-log row as the context)."""
    if query.pattern is None or query.mode is not Mode.EXACT:
        raise ApiError(400, "invalid_query", "plate: a timeline follows one plate; give it exactly (no * or ?)")
    rows, more = ctx.read(lambda db: search.run(db, query))
    alarms = ctx.read(lambda db: alarms_by_read(db, [r.id for r, _ in rows], sees_covert(ctx.role)))
    entry = ctx.record(len(rows))
    ordered = sorted(rows, key=lambda row: (row[0].captured_at, str(row[0].id)))
    geojson = feature_collection(ordered, alarms, entry.seq)
    reads = [{"read": r, "unit": u, "alarms": alarms.get(r.id, [])} for r, u in ordered]
    return _map_page(
        request, state, ctx.role, "timeline.html", plate=query.pattern.text, reads=reads, geojson=geojson,
        seq=entry.seq, case_number=ctx.case_number, truncated=more is not None,
    )  # fmt: skip
