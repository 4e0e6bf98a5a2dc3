"""What every route's numbers, times and text must be: bounds that fit the database's columns, ISO times, no control
characters. A value outside them is a 422 naming its field, never a database error answered as a 500."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import suppress
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator

from platewatch.domain.text_rules import control_character

INT32_MAX = 2**31 - 1
"""The largest value of an INTEGER column (every table's id, a hot-list version)."""
INT64_MAX = 2**63 - 1
"""The largest value of a BIGINT column (the Data Query Log's row number)."""

RowId = Annotated[int, Ge(1), Le(INT32_MAX)]
"""A row's id in a path or a body: PostgreSQL's INTEGER ids end at 2^31 - 1."""
Count = Annotated[int, Ge(0), Le(INT32_MAX)]
"""An offset, a version or a count a client gives."""
Seq = Annotated[int, Ge(1), Le(INT64_MAX)]
"""A Data Query Log row number (`context`, an audit's item)."""

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any) -> Any:
    """Pydantic reads a bare number as seconds since 1970 (`until=0.5`): a time is asked as ISO 8601 only."""
    if isinstance(value, str) and not _ISO.match(value.strip()):
        raise ValueError("give an ISO 8601 date and time (e.g. 2026-11-28T10:00:00Z)")
    if isinstance(value, int | float):
        raise ValueError("give an ISO 8601 date and time (e.g. 2026-11-28T10:00:00Z), not a number")
    return value


Instant = Annotated[dt.datetime, BeforeValidator(_iso_only)]
"""A date and time in a query or a body, as ISO 8601."""

# A JSON body can hold a control character only as an escape (\u0000, \b, \f), or DEL and C1 as raw bytes; bodies
# without any of these (nearly all: an ingest batch's images are base64) are not parsed twice.
_SUSPECT_JSON = re.compile(rb"\\(?:[bf]|u00(?:[01]|7f|[89])|ud[89a-f])|\x7f|\xc2[\x80-\x9f]", re.IGNORECASE)


def _walk(value: Any, loc: tuple[str | int, ...], found: list[dict[str, Any]]) -> None:
    if isinstance(value, str):
        bad = control_character(value)
        if bad is not None:
            found.append({"loc": loc, "msg": f"control character {bad} is not allowed", "type": "control_character"})
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(key, loc, found)
            _walk(item, (*loc, key), found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, (*loc, i), found)


def json_control_characters(body: bytes) -> list[dict[str, Any]]:
    """Errors naming each text of a JSON body with a control character (`json_body` routes ask, after the caller's
    authentication); none for a body that is not JSON (its route says so)."""
    found: list[dict[str, Any]] = []
    # Every match of the pattern starts with a backslash, DEL or 0xC2: bytes that `in` finds at memchr speed, where the
    # pattern's alternation costs ~2 µs a kilobyte (100 µs a read with its two images, the most of an ingest).
    if (b"\\" in body or b"\x7f" in body or b"\xc2" in body) and _SUSPECT_JSON.search(body):
        with suppress(ValueError, RecursionError):  # not JSON, or nested past Python's stack: the route refuses it
            _walk(json.loads(body), ("body",), found)
    return found[:20]


async def refuse_control_characters(request: Request) -> None:
    """App-wide dependency: a path, query, form or JSON text with a control character (NUL, ESC, …; tab, CR and LF
    are text) or half a surrogate pair is a 422 naming the field, before any route stores or logs it: PostgreSQL
    refuses NUL (a 500), SQLite stores it silently. A body is looked at only when the route has read it already (its
    declared JSON or form): a `json_body` route checks its own once its caller is authenticated."""
    found: list[dict[str, Any]] = []
    for name, value in request.path_params.items():
        _walk(value, ("path", name), found)
    for name, value in request.query_params.multi_items():
        _walk(name, ("query", name), found)
        _walk(value, ("query", name), found)
    if getattr(request.scope.get("route"), "body_field", None) is not None:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, item in (await request.form()).multi_items():  # parsed already: FastAPI keeps it
                _walk(name, ("body", name), found)
                if isinstance(item, str):
                    _walk(item, ("body", name), found)
        elif kind == "application/json" or kind.endswith("+json"):
            found += json_control_characters(await request.body())  # read already: FastAPI keeps it
    if found:
        raise RequestValidationError(found[:20])
