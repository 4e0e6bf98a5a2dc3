"""Build and run read searches; newest first, keyset-paged by (captured_at, id)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
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


PARTIAL_CAP = 10_000
"""A partial search first collects up to this many matches of its window, then orders them (`_matches`). Past it the
matches are dense, and walking the window newest first finds a page soonest."""


def _matches(query: SearchQuery) -> Any:
    """The window's reads that match a partial pattern and every other filter, found first and on their own (the
    trigram index, day by day), at most PARTIAL_CAP + 1 of them. Left to itself, a planner that misjudges a pattern's
    matches as many (a plate seen often in a day's statistics sample) walks the 14 days newest first, filtering each
    read: a second for a pattern matching a few reads a day at a state's volume (issue 23). MATERIALIZED keeps the
    collection apart from the outer ordering."""
    return select(Read).where(*_filters(query, Read)).limit(PARTIAL_CAP + 1).cte("matches").prefix_with("MATERIALIZED")


def _filters(query: SearchQuery, r: Any, window: bool = True) -> list[Any]:
    """The conditions on a read's own columns: the window (unless a look-alike CTE has applied it), plate, area,
    unit, camera and the page cursor."""
    conds: list[Any] = [r.captured_at >= query.since, r.captured_at < query.until] if window else []
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
        conds.append(r.unit_id.in_(select(Unit.id).where(Unit.name == query.unit).scalar_subquery()))
    if query.camera:
        conds.append(r.camera == query.camera)
    if query.cursor is not None:
        at, rid = query.cursor
        conds.append(or_(r.captured_at < at, and_(r.captured_at == at, r.id < rid)))
    return conds


def build(query: SearchQuery, collect_first: bool = False) -> Select[Any]:
    """One page's statement: the reads (`Read`, or the look-alikes' or matches' rows read as reads) of the window that
    match, with their unit's name. `collect_first` (a partial pattern, `run` decides): the matches are collected first
    (`_matches`), and a third column counts them, so that the caller knows whether they were all (≤ PARTIAL_CAP)."""
    if collect_first:
        matches = _matches(query)
        r: Any = aliased(Read, matches)
        collected = select(func.count()).select_from(matches).scalar_subquery()
        page: Select[Any] = select(r, Unit.name, collected).join(Unit, Unit.id == r.unit_id)
        return page.order_by(r.captured_at.desc(), r.id.desc())
    similar = query.mode is Mode.SIMILAR and query.pattern is not None
    r = aliased(Read, _lookalikes(query)) if similar else Read
    stmt: Select[Any] = select(r, Unit.name).join(Unit, Unit.id == r.unit_id)
    return stmt.where(*_filters(query, r, window=not similar)).order_by(r.captured_at.desc(), r.id.desc())


def _keep(query: SearchQuery, read: Read) -> bool:
    """What SQL cannot express exactly: polygon membership."""
    return query.polygon is None or (
        read.latitude is not None
        and read.longitude is not None
        and in_polygon(read.latitude, read.longitude, query.polygon)
    )


def run(db: Session, query: SearchQuery) -> tuple[list[tuple[Read, str]], str | None]:
    """Return one page of (read, unit name) and the cursor of the next page (None at the end). A partial pattern's
    matches are collected first; when they are more than PARTIAL_CAP, the page is found by walking the window."""
    collect_first = query.mode is Mode.PARTIAL and query.pattern is not None
    out, complete = _page(db, query, collect_first)
    if not complete:
        out, _ = _page(db, query, False)
    more = len(out) > query.limit
    out = out[: query.limit]
    return out, (encode_cursor(out[-1][0]) if more and out else None)


def _page(db: Session, query: SearchQuery, collect_first: bool) -> tuple[list[tuple[Read, str]], bool]:
    """Up to limit + 1 (read, unit name) rows; False when the collected matches were cut at PARTIAL_CAP."""
    stmt = build(query, collect_first)
    out: list[tuple[Read, str]] = []
    collected = 0
    if query.polygon is None:
        rows = db.execute(stmt.limit(query.limit + 1)).all()
        out = [(r[0], r[1]) for r in rows]
        collected = rows[0][2] if collect_first and rows else 0  # every row carries the one count
    else:
        for row in db.execute(stmt.execution_options(yield_per=500)):
            collected = row[2] if collect_first else 0
            if _keep(query, row[0]):
                out.append((row[0], row[1]))
                if len(out) > query.limit:
                    break
    return out, collected <= PARTIAL_CAP


def get_read(db: Session, read_id: uuid.UUID) -> tuple[Read, str] | None:
    row = db.execute(select(Read, Unit.name).join(Unit, Unit.id == Read.unit_id).where(Read.id == read_id)).first()
    return (row[0], row[1]) if row else None
