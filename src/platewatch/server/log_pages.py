"""Keyset pages of a log table, newest first: a page reads only its own rows from an index, however deep it is (an
offset would read and skip every row before it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, select
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
    key: InstrumentedAttribute[int],
    where: Sequence[ColumnElement[bool]],
    cursor: Cursor | None,
    limit: int,
) -> Page[T]:
    """The page of `model`'s rows matching `where` that `cursor` names (the newest when None), by descending `key`."""
    stmt = select(model).where(*where)
    if cursor is None or cursor.older:
        bounded = stmt if cursor is None else stmt.where(key < cursor.key)
        got = list(db.scalars(bounded.order_by(key.desc()).limit(limit + 1)))
        rows = got[:limit]
        older = Cursor(True, _key(rows[-1], key)) if len(got) > limit else None
        if cursor is None:
            return Page(rows, older, None)
        edge = _key(rows[0], key) if rows else cursor.key - 1
        newer = Cursor(False, edge) if _exists(db, where, key > edge, key) else None
        return Page(rows, older, newer)
    got = list(db.scalars(stmt.where(key > cursor.key).order_by(key.asc()).limit(limit + 1)))
    rows = got[:limit][::-1]
    newer = Cursor(False, _key(rows[0], key)) if len(got) > limit else None
    edge = _key(rows[-1], key) if rows else cursor.key + 1
    older = Cursor(True, edge) if _exists(db, where, key < edge, key) else None
    return Page(rows, older, newer)


def _key(row: Any, key: InstrumentedAttribute[int]) -> int:
    return int(getattr(row, key.key))


def _exists(
    db: Session, where: Sequence[ColumnElement[bool]], bound: ColumnElement[bool], key: InstrumentedAttribute[int]
) -> bool:
    return db.scalar(select(key).where(*where, bound).limit(1)) is not None


def filter_error(exc: FilterError) -> ApiError:
    """A filter value that cannot be used, as a 422 naming its query parameter."""
    return ApiError(422, "invalid_filter", str(exc), [{"loc": ["query", exc.field], "msg": exc.message}])


def page_cursor(text: str | None) -> Cursor | None:
    """The query string's `cursor`; a 422 naming it when it is not one."""
    try:
        return parse_cursor(text)
    except FilterError as exc:
        raise filter_error(exc) from exc
