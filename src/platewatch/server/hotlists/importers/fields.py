"""Field helpers shared by the importers: plates, states, dates, years, columns, list texts."""

from __future__ import annotations

import csv
import datetime as dt
import re

from platewatch.domain.hotlists import Category
from platewatch.domain.plates import InvalidPlateError, normalize_plate
from platewatch.domain.states import UnknownStateError, normalize_state

from .base import LineError

_YEAR = re.compile(r"\d{4}")


def plate(raw: str) -> str:
    """The normalized plate, or LineError."""
    try:
        return normalize_plate(raw.strip())
    except InvalidPlateError as exc:
        raise LineError(str(exc)) from None


def state(raw: str, *, zero_fix: bool = False, required: bool = True) -> str | None:
    """The two-letter state; `zero_fix` reads a digit zero as the letter O (NCIC "0H" for Ohio)."""
    value = raw.strip()
    if zero_fix:
        value = value.replace("0", "O")
    if not value:
        if required:
            raise LineError("plate state is empty")
        return None
    try:
        return normalize_state(value)
    except UnknownStateError:
        raise LineError(f"unknown plate state {raw.strip()!r}") from None


def date(raw: str, what: str, formats: tuple[str, ...] = ("%Y%m%d",)) -> dt.date | None:
    """A date in one of `formats`; blank or all zeros is None; anything else unparseable is LineError."""
    value = raw.strip()
    if not value or set(value) <= {"0", "/", "-"}:
        return None
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    shown = " or ".join(
        f.replace("%Y", "YYYY").replace("%y", "YY").replace("%m", "MM").replace("%d", "DD") for f in formats
    )
    raise LineError(f"bad {what} {value!r}: expected {shown}")


def year(raw: str, what: str) -> str:
    """A four-digit year or blank."""
    value = raw.strip()
    if value and not _YEAR.fullmatch(value):
        raise LineError(f"bad {what} {value!r}: expected four digits")
    return value


def need_length(line: str, length: int, what: str) -> None:
    """Fixed width: the line must reach the end of its last required field."""
    if len(line) < length:
        raise LineError(f"truncated line: {len(line)} characters, {what} needs at least {length}")


def split(line: str, delimiter: str = ",") -> list[str]:
    """Split one delimited line (CSV quoting allowed) into stripped cells."""
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as exc:
        raise LineError(f"unreadable delimited line: {exc}") from None
    return [c.strip() for c in cells]


def columns(line: str, count: int, delimiter: str = ",") -> list[str]:
    """Split one delimited line into exactly `count` stripped columns (a trailing delimiter is allowed)."""
    cells = split(line, delimiter)
    while len(cells) > count and not cells[-1].strip():
        cells.pop()  # a trailing delimiter
    if len(cells) != count:
        raise LineError(f"expected {count} columns, found {len(cells)}")
    return cells


# List texts (FCIC list types, Genetec categories): the first keyword rule that matches wins.
_TEXT_RULES: tuple[tuple[tuple[str, ...], Category], ...] = (
    (("AMBER",), Category.AMBER),
    (("SILVER",), Category.SILVER),
    (("STOLEN", "PLATE"), Category.STOLEN_PLATE),
    (("STOLEN", "TAG"), Category.STOLEN_PLATE),
    (("STOLEN",), Category.STOLEN_VEHICLE),
    (("MISSING",), Category.MISSING_PERSON),
    (("SEX",), Category.SEX_OFFENDER),
    (("PROTECTION",), Category.PROTECTION_ORDER),
    (("PROTECTIVE",), Category.PROTECTIVE_INTEREST),
    (("GANG",), Category.GANG_TERRORIST),
    (("TERROR",), Category.GANG_TERRORIST),
    (("VIOLENT",), Category.VIOLENT_PERSON),
    (("SUPERVISED",), Category.SUPERVISED_RELEASE),
    (("WANTED",), Category.WANTED_PERSON),
    (("WARRANT",), Category.WANTED_PERSON),
    (("SUSPENDED", "LICEN"), Category.SUSPENDED_LICENSE),
    (("REGISTRATION",), Category.REGISTRATION),
    (("EXPIRED",), Category.REGISTRATION),
    (("BOLO",), Category.BOLO),
)


def category_from_text(text: str) -> Category:
    """Map a free list text ("STOLEN LICENSE PLATE", "stolen_vehicle") to a category; OTHER if none fits."""
    value = text.strip()
    try:
        return Category(value.lower())
    except ValueError:
        pass
    words = value.upper().replace("_", " ")
    for keywords, category in _TEXT_RULES:
        if all(k in words for k in keywords):
            return category
    return Category.OTHER
