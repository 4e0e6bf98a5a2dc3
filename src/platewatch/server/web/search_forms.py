"""What the search and map forms share: the saved areas they offer, the map's centre, and a search's download links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy.orm import Session

from platewatch.domain.geo import parse_bbox
from platewatch.server.areas import service
from platewatch.server.settings import Settings


def area_choices(db: Session) -> list[dict[str, Any]]:
    """The live areas as the forms offer them: name, and corners as the polygon field writes them."""
    return [{"name": a.name, "corners": ";".join(f"{p[0]},{p[1]}" for p in a.polygon)} for a in service.listed(db)]


def map_centre(settings: Settings) -> tuple[float, float]:
    area = parse_bbox(settings.map_area)
    return (area.min_lat + area.max_lat) / 2, (area.min_lon + area.max_lon) / 2


def export_query(request: Request, seq: int) -> str:
    """The query of a search's downloads (PDF, CSV): the same search, its purpose carried over by its query-log row."""
    own = ("purpose", "case_number", "request", "cursor", "context")
    kept = [(k, v) for k, v in request.query_params.items() if k not in own and v != ""]
    return urlencode([*kept, ("context", str(seq))])
