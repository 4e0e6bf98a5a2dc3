"""Build and run read searches; newest first, keyset-paged by (captured_at, id)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from platewatch.domain.geo import BBox, in_polygon, polygon_bbox
from platewatch.domain.patterns import PlatePattern
from platewatch.domain.plates import canonical, within_one_edit
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


def similar_like_patterns(plate: str) -> list[str]:
    """SQL LIKE patterns on the canonical form that every plate within one edit of `plate` matches."""
    c = canonical(plate)
    pats = {c}
    for i in range(len(c)):
        pats.add(c[:i] + "_" + c[i + 1 :])  # substitution
        pats.add(c[:i] + c[i + 1 :])  # deletion
    for i in range(len(c) + 1):
        pats.add(c[:i] + "_" + c[i:])  # insertion
    return sorted(p for p in pats if p)


def _plate_filter(query: SearchQuery) -> Any:
    pattern = query.pattern
    if pattern is None:
        return None
    if query.mode is Mode.EXACT:
        return Read.plate == pattern.text
    if query.mode is Mode.PARTIAL:
        return Read.plate.like(pattern.to_sql_like())
    return or_(*(Read.plate_canonical.like(p) for p in similar_like_patterns(pattern.text)))


def build(query: SearchQuery) -> Select[Read, str]:
    stmt = select(Read, Unit.name).join(Unit, Unit.id == Read.unit_id)
    conds: list[Any] = [Read.captured_at >= query.since, Read.captured_at < query.until]
    plate_cond = _plate_filter(query)
    if plate_cond is not None:
        conds.append(plate_cond)
    box = query.bbox
    if query.polygon is not None:
        box = polygon_bbox(query.polygon)
    if box is not None:
        conds += [
            Read.latitude >= box.min_lat,
            Read.latitude <= box.max_lat,
            Read.longitude >= box.min_lon,
            Read.longitude <= box.max_lon,
        ]
    if query.unit:
        conds.append(Unit.name == query.unit)
    if query.camera:
        conds.append(Read.camera == query.camera)
    if query.cursor is not None:
        at, rid = query.cursor
        conds.append(or_(Read.captured_at < at, and_(Read.captured_at == at, Read.id < rid)))
    return stmt.where(*conds).order_by(Read.captured_at.desc(), Read.id.desc())


def _keep(query: SearchQuery, read: Read) -> bool:
    """Checks SQL cannot express exactly: polygon membership and one-edit similarity."""
    if query.polygon is not None and (
        read.latitude is None or read.longitude is None or not in_polygon(read.latitude, read.longitude, query.polygon)
    ):
        return False
    if query.mode is Mode.SIMILAR and query.pattern is not None:
        return within_one_edit(canonical(query.pattern.text), read.plate_canonical)
    return True


def run(db: Session, query: SearchQuery) -> tuple[list[tuple[Read, str]], str | None]:
    """Return one page of (read, unit name) and the cursor of the next page (None at the end)."""
    needs_filter = query.polygon is not None or query.mode is Mode.SIMILAR
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
