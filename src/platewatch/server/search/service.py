"""Build and run read searches; newest first, keyset-paged by (captured_at, id)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from platewatch.domain.geo import BBox, in_polygon, polygon_bbox
from platewatch.domain.patterns import PlatePattern
from platewatch.domain.plates import one_edit_neighbourhood
from platewatch.server.accounts.models import Unit
from platewatch.server.reads.models import Read


class Mode(StrEnum):
    EXACT = "exact"
    PARTIAL = "partial"
    SIMILAR = "similar"


@dataclass(frozen=True)
class SearchQuery:
    pattern: PlatePattern | None
    mode: Mode
    since: dt.datetime
    until: dt.datetime
    bbox: BBox | None = None
    polygon: list[tuple[float, float]] | None = None
    unit: str | None = None
    camera: str | None = None
    limit: int = 50
    cursor: tuple[dt.datetime, uuid.UUID] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def encode_cursor(read: Read) -> str:
    raw = f"{read.captured_at.isoformat()}|{read.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        at, rid = raw.split("|")
        when = dt.datetime.fromisoformat(at)
        if when.tzinfo is None:
            raise ValueError
        return when, uuid.UUID(rid)
    except ValueError as exc:
        raise ValueError("cursor is not one this server gave out") from exc


def _plate_filter(query: SearchQuery, r: Any) -> Any:
    pattern = query.pattern
    if pattern is None or query.mode is Mode.SIMILAR:
        return None  # SIMILAR: `_lookalikes`
    if query.mode is Mode.EXACT:
        return r.plate == pattern.text
    return r.plate.like(pattern.to_sql_like())


def _lookalikes(query: SearchQuery) -> Any:
    """The reads of the window whose canonical plate is within one edit of the query's, found first and on their own:
    every such canonical plate is looked up on the (plate_canonical, captured_at) index (a few hundred equality
    probes of one time range each, issue 23). MATERIALIZED keeps a planner from walking the window's reads in time
    order instead, filtering each against the list: a scan of a whole day at a state's volume. The rows themselves
    come out of it, so the reads are not visited a second time."""
    assert query.pattern is not None
    return (
        select(Read)
        .where(
            Read.plate_canonical.in_(sorted(one_edit_neighbourhood(query.pattern.text))),
            Read.captured_at >= query.since,
            Read.captured_at < query.until,
        )
        .cte("lookalikes")
        .prefix_with("MATERIALIZED")
    )


def build(query: SearchQuery) -> Select[Read, str]:
    """One page's statement: the reads (`Read`, or the look-alikes' rows read as reads) of the window that match."""
    similar = query.mode is Mode.SIMILAR and query.pattern is not None
    r: Any = aliased(Read, _lookalikes(query)) if similar else Read
    stmt = select(r, Unit.name).join(Unit, Unit.id == r.unit_id)
    conds: list[Any] = [] if similar else [r.captured_at >= query.since, r.captured_at < query.until]
    plate_cond = _plate_filter(query, r)
    if plate_cond is not None:
        conds.append(plate_cond)
    box = query.bbox
    if query.polygon is not None:
        box = polygon_bbox(query.polygon)
    if box is not None:
        conds += [
            r.latitude >= box.min_lat,
            r.latitude <= box.max_lat,
            r.longitude >= box.min_lon,
            r.longitude <= box.max_lon,
        ]
    if query.unit:
        conds.append(Unit.name == query.unit)
    if query.camera:
        conds.append(r.camera == query.camera)
    if query.cursor is not None:
        at, rid = query.cursor
        conds.append(or_(r.captured_at < at, and_(r.captured_at == at, r.id < rid)))
    return stmt.where(*conds).order_by(r.captured_at.desc(), r.id.desc())


def _keep(query: SearchQuery, read: Read) -> bool:
    """What SQL cannot express exactly: polygon membership."""
    return query.polygon is None or (
        read.latitude is not None
        and read.longitude is not None
        and in_polygon(read.latitude, read.longitude, query.polygon)
    )


def run(db: Session, query: SearchQuery) -> tuple[list[tuple[Read, str]], str | None]:
    """Return one page of (read, unit name) and the cursor of the next page (None at the end)."""
    needs_filter = query.polygon is not None
    stmt = build(query)
    out: list[tuple[Read, str]] = []
    if not needs_filter:
        rows = db.execute(stmt.limit(query.limit + 1)).all()
        out = [(r[0], r[1]) for r in rows]
    else:
        for read, unit_name in db.execute(stmt.execution_options(yield_per=500)):
            if _keep(query, read):
                out.append((read, unit_name))
                if len(out) > query.limit:
                    break
    more = len(out) > query.limit
    out = out[: query.limit]
    return out, (encode_cursor(out[-1][0]) if more and out else None)


def get_read(db: Session, read_id: uuid.UUID) -> tuple[Read, str] | None:
    row = db.execute(select(Read, Unit.name).join(Unit, Unit.id == Read.unit_id).where(Read.id == read_id)).first()
    return (row[0], row[1]) if row else None
