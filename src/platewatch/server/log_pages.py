"""Keyset pages of a log table, newest first: a page reads only its own rows from an index, however deep it is (an
offset would read and skip every row before it). Rows are ordered by their time, then their number: each filter's
index (its column, the time, the number) gives a page of that filter, a date window included, in one range scan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from platewatch.domain.log_pages import Cursor, FilterError, parse_cursor
from platewatch.server.errors import ApiError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of rows, newest first, with the cursors of the pages on either side (None at either end)."""

    rows: list[T]
    older: Cursor | None
    newer: Cursor | None


def keyset_page(
    db: Session,
    model: type[T],
    order: tuple[InstrumentedAttribute[dt.datetime], InstrumentedAttribute[int]],
    where: Sequence[ColumnElement[bool]],
    cursor: Cursor | None,
    limit: int,
) -> Page[T]:
    """The page of `model`'s rows matching `where` that `cursor` names (the newest when None), by descending `order`
    (a time, then the row's number, which the cursor names). FilterError when the cursor names no row."""
    at, key = order
    stmt = select(model).where(*where)
    newest_first = (at.desc(), key.desc())
    if cursor is None:
        got = list(db.scalars(stmt.order_by(*newest_first).limit(limit + 1)))
        rows = got[:limit]
        return Page(rows, _cursor(True, rows[-1], key) if len(got) > limit else None, None)
    when = db.scalar(select(at).where(key == cursor.key))
    if when is None:
        raise FilterError("cursor", "names no row of the log (ask the first page again)")
    edge = tuple_(at, key)
    if cursor.older:
        got = list(db.scalars(stmt.where(edge < (when, cursor.key)).order_by(*newest_first).limit(limit + 1)))
        rows = got[:limit]
        older = _cursor(True, rows[-1], key) if len(got) > limit else None
        newer = (
            _cursor(False, rows[0], key) if rows and _exists(db, where, edge > _pair(rows[0], order), order) else None
        )
        return Page(rows, older, newer)
    got = list(db.scalars(stmt.where(edge > (when, cursor.key)).order_by(at.asc(), key.asc()).limit(limit + 1)))
    rows = got[:limit][::-1]
    newer = _cursor(False, rows[0], key) if len(got) > limit else None
    older = _cursor(True, rows[-1], key) if rows and _exists(db, where, edge < _pair(rows[-1], order), order) else None
    return Page(rows, older, newer)


def _cursor(older: bool, row: Any, key: InstrumentedAttribute[int]) -> Cursor:
    return Cursor(older, int(getattr(row, key.key)))


def _pair(row: Any, order: tuple[InstrumentedAttribute[dt.datetime], InstrumentedAttribute[int]]) -> tuple[Any, Any]:
    return getattr(row, order[0].key), getattr(row, order[1].key)


def _exists(
    db: Session,
    where: Sequence[ColumnElement[bool]],
    bound: ColumnElement[bool],
    order: tuple[InstrumentedAttribute[dt.datetime], InstrumentedAttribute[int]],
) -> bool:
    """Whether a matching row lies past `bound`; asked in the pages' order, so that the planner walks the index from
    the bound (and stops at the first row) rather than collecting every match of a text search."""
    return db.scalar(select(order[1]).where(*where, bound).order_by(*order).limit(1)) is not None


def filter_error(exc: FilterError) -> ApiError:
    """A filter value that cannot be used, as a 422 naming its query parameter."""
    return ApiError(422, "invalid_filter", str(exc), [{"loc": ["query", exc.field], "msg": exc.message}])


def page_cursor(text: str | None) -> Cursor | None:
    """The query string's `cursor`; a 422 naming it when it is not one."""
    try:
        return parse_cursor(text)
    except FilterError as exc:
        raise filter_error(exc) from exc
