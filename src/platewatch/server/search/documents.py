"""A search's reads as a PDF report: what was asked (window, area, plate), by whom and why, and one row per read in
the agency's local time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from platewatch.domain.local_time import shown
from platewatch.server.documents import TableDocument
from platewatch.server.reads.models import Read
from platewatch.server.search.service import SearchQuery


def _asked(query: SearchQuery, params: dict[str, Any], tz: ZoneInfo) -> str:
    parts = [f"captured {shown(query.since, tz)} to {shown(query.until, tz)}"]
    if query.pattern is not None:
        parts.append(f"plate {query.pattern.text} ({query.mode.value})")
    if params.get("area"):
        parts.append(f"area {params['area']}")
    elif query.polygon is not None:
        parts.append(f"a drawn area of {len(query.polygon)} corners")
    elif query.bbox is not None:
        b = query.bbox
        parts.append(f"box {b.min_lat},{b.min_lon} to {b.max_lat},{b.max_lon}")
    for name in ("unit", "camera"):
        if getattr(query, name):
            parts.append(f"{name} {getattr(query, name)}")
    return "; ".join(parts)


def reads_document(
    rows: Sequence[tuple[Read, str]], query: SearchQuery, ctx: Any, seq: int, agency: str, tz: ZoneInfo
) -> TableDocument:
    """The report of one search (`ctx`: its `QueryContext`; `seq`: its query-log row)."""
    about = (
        f"{agency} - {len(rows)} read(s) - query log #{seq} - case {ctx.case_number} - by {ctx.username}, "
        f"{shown(ctx.at, tz)}",
        f"Search: {_asked(query, ctx.parameters, tz)}",
        f"Purpose: {ctx.purpose}",
        "Not for release outside the agency. A hit from LPR data must be confirmed through COLLECT/NCIC.",
    )
    table = tuple(
        (shown(r.captured_at, tz, seconds=True), r.plate, r.state or "", unit, r.camera,
         "" if r.latitude is None else f"{r.latitude:.5f}", "" if r.longitude is None else f"{r.longitude:.5f}")
        for r, unit in rows
    )  # fmt: skip
    return TableDocument(
        title="LPR reads report",
        about=about,
        headers=("Captured", "Plate", "State", "Unit", "Camera", "Latitude", "Longitude"),
        rows=table,
        widths=(3, 1.6, 0.8, 1.4, 1.2, 1.4, 1.4),
    )
