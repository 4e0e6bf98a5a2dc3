"""The map API (order IV.B.2, IV.B.4): a search's reads with a position as GeoJSON, alarms included; every call is
query-logged with its purpose and case, like a search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission
from platewatch.server.alerts.routes import sees_covert
from platewatch.server.deps import QueryContext, query_logged
from platewatch.server.maps.service import alarms_by_read, feature_collection
from platewatch.server.search import service as search
from platewatch.server.search.params import SearchQueryDep

router = APIRouter(prefix="/api/v1", tags=["search"])

MapCtx = Annotated[QueryContext, Depends(query_logged(Action.MAP, Permission.SEARCH_READS, on_replica=True))]


def mapped(ctx: QueryContext, query: SearchQueryDep) -> dict[str, Any]:
    """Run the search, log it, and return its reads as a GeoJSON FeatureCollection (for the API and the page)."""
    rows, _ = ctx.read(lambda db: search.run(db, query))
    alarms = ctx.read(lambda db: alarms_by_read(db, [r.id for r, _ in rows], sees_covert(ctx.role)))
    entry = ctx.record(len(rows))
    return feature_collection(rows, alarms, entry.seq)


@router.get(
    "/reads/map",
    summary="A search's reads as GeoJSON points, with their alarms (purpose and case required)",
    description=(
        "The same parameters as `/reads/search` (plate or pattern, time window, bbox or polygon, unit, camera, "
        "limit). Reads without a position are counted in `reads` but not placed. `alarms` of a read lists the "
        "hot-list hits it raised. GeoJSON coordinates are longitude, latitude."
    ),
)
def reads_map(ctx: MapCtx, query: SearchQueryDep) -> dict[str, Any]:
    return mapped(ctx, query)
