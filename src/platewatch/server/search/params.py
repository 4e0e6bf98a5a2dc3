"""Parse search parameters from a request into a SearchQuery (shared by the API and the web pages)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query

from platewatch.domain.geo import parse_bbox, parse_polygon
from platewatch.domain.patterns import parse_pattern
from platewatch.domain.plates import InvalidPlateError
from platewatch.server.areas.service import polygon_of
from platewatch.server.deps import DbDep, NowDep, StateDep
from platewatch.server.errors import ApiError
from platewatch.server.inputs import Instant
from platewatch.server.search.service import Mode, SearchQuery, decode_cursor


def search_query(
    at: NowDep,
    state: StateDep,
    db: DbDep,
    plate: Annotated[str | None, Query(max_length=40, description="plate, or pattern with * and ?")] = None,
    mode: Annotated[
        str | None, Query(max_length=10, description="exact | partial | similar (default: by pattern)")
    ] = None,
    since: Annotated[Instant | None, Query(description="start of the window (ISO 8601 with zone)")] = None,
    until: Annotated[Instant | None, Query(description="end of the window (exclusive)")] = None,
    hours: Annotated[int | None, Query(ge=1, le=24 * 366, description="window: the last N hours")] = None,
    bbox: Annotated[str | None, Query(description="min_lat,min_lon,max_lat,max_lon")] = None,
    polygon: Annotated[str | None, Query(description="lat,lon;lat,lon;lat,lon…")] = None,
    area: Annotated[str | None, Query(max_length=80, description="a saved area, by name (/api/v1/areas)")] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    camera: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> SearchQuery:
    if area:
        if polygon:
            raise ApiError(400, "bad_search", "give an area by name or a polygon, not both")
        corners = polygon_of(db, area)  # 404 for no such area
        polygon = ";".join(f"{lat},{lon}" for lat, lon in corners)
    try:
        pattern = parse_pattern(plate) if plate and plate.strip() else None
        if mode:
            if mode not in Mode.__members__.values():
                raise ValueError(f"mode: {mode!r} is not one of exact, partial, similar")
            match_mode = Mode(mode)
        else:
            match_mode = Mode.EXACT if pattern is None or pattern.is_exact else Mode.PARTIAL
        if pattern is not None and match_mode is not Mode.PARTIAL and not pattern.is_exact:
            raise ValueError(f"plate: wildcards need mode=partial, not {match_mode.value}")
        if pattern is None and bbox is None and polygon is None and unit is None and camera is None:
            raise ValueError("give a plate, an area (bbox or polygon), a unit or a camera")
        end = until or at
        start = since or (end - dt.timedelta(hours=hours) if hours else end - dt.timedelta(days=366))
        for name, value in (("since", start), ("until", end)):
            if value.tzinfo is None:
                raise ValueError(f"{name}: give a time zone (e.g. 2026-11-28T10:00:00Z)")
        if start >= end:
            raise ValueError("since must be before until")
        if limit > state.settings.search_max_page_size:
            raise ValueError(f"limit: at most {state.settings.search_max_page_size}")
        return SearchQuery(
            pattern=pattern,
            mode=match_mode,
            since=start,
            until=end,
            bbox=parse_bbox(bbox) if bbox else None,
            polygon=parse_polygon(polygon) if polygon else None,
            unit=unit or None,
            camera=camera or None,
            limit=limit,
            cursor=decode_cursor(cursor) if cursor else None,
        )
    except (InvalidPlateError, ValueError) as exc:
        raise ApiError(400, "bad_search", str(exc)) from exc


SearchQueryDep = Annotated[SearchQuery, Depends(search_query)]
