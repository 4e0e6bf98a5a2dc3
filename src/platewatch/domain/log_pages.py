"""Filtering and paging the logs (issue 24): criteria an auditor gives, the agency's days they name, and the keyset
cursor of a page, newest first. Pure functions; a bad value is a FilterError naming its field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo

from platewatch.domain.local_time import day_start
from platewatch.domain.querylog import MAX_CASE_NUMBER_LENGTH, MAX_PURPOSE_LENGTH, Action, Outcome

PAGE_SIZE = 50
"""Rows on one page of a log."""
MAX_PAGE_SIZE = 1000


class FilterError(ValueError):
    """A filter value that cannot be used; `field` names it as the query string does."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page continues: the rows older than `key` (the next page) or newer than it (the previous page)."""

    older: bool
    key: int

    def text(self) -> str:
        return f"{'older' if self.older else 'newer'}-{self.key}"


def parse_cursor(text: str | None) -> Cursor | None:
    """`older-123` or `newer-456` (as a page's links give them); None for no cursor (the newest rows)."""
    if not text:
        return None
    way, _, key = text.partition("-")
    if way not in ("older", "newer") or not key.isascii() or not key.isdigit() or not 0 < int(key) < 2**63:
        raise FilterError("cursor", "not a page cursor (older-N or newer-N, as the page's links give it)")
    return Cursor(way == "older", int(key))


def parse_day(field: str, text: str | None) -> dt.date | None:
    """A YYYY-MM-DD day, or None for an empty value."""
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FilterError(field, f"not a date (YYYY-MM-DD): {text[:40]!r}") from None


def day_window(
    from_day: dt.date | None, to_day: dt.date | None, tz: ZoneInfo
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The UTC [since, until) of the agency's days `from_day` to `to_day`, both included (either may be open)."""
    if from_day and to_day and from_day > to_day:
        raise FilterError("to_date", "the last day comes before the first")
    since = day_start(from_day, tz) if from_day else None
    until = day_start(to_day + dt.timedelta(days=1), tz) if to_day else None
    return since, until


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return b if a is None else a if b is None else min(a, b)


@dataclass(frozen=True, slots=True)
class LogFilter:
    """What the Data Query Log is narrowed to; every criterion is optional and all of them must hold. A new criterion
    (such as a supervisor's people) is one more field here and one more condition in `querylog.service.conditions`."""

    username: str | None = None
    purpose: str | None = None
    """Text the purpose contains, in any case."""
    case_number: str | None = None
    action: str | None = None
    outcome: str | None = None
    since: dt.datetime | None = None
    """From this instant on (UTC)."""
    until: dt.datetime | None = None
    """Before this instant (UTC)."""

    def described(self) -> str:
        """The criteria in words, for the access's record and the document ("none" without any)."""
        words = {"username": "user", "case_number": "case", "since": "from", "until": "before"}
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                shown = value.isoformat() if isinstance(value, dt.datetime) else value
                parts.append(f"{words.get(f.name, f.name)} {shown}")
        return "; ".join(parts) or "none"


def _text(field: str, value: str | None, longest: int) -> str | None:
    value = (value or "").strip()
    if len(value) > longest:
        raise FilterError(field, f"at most {longest} characters")
    return value or None


def _choice(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    value = (value or "").strip()
    if value and value not in allowed:
        raise FilterError(field, f"{value[:40]!r} is not one of {', '.join(allowed)}")
    return value or None


ACTIONS = tuple(a.value for a in Action)
OUTCOMES = tuple(o.value for o in Outcome)


def log_filter(
    tz: ZoneInfo,
    *,
    username: str | None = None,
    purpose: str | None = None,
    case_number: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    from_date: str | None = None,
    to_date: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> LogFilter:
    """The criteria from a form or a query string (empty values are no criterion); days are the agency's (`tz`),
    instants are UTC; both may be given and both then hold."""
    first, last = day_window(parse_day("from_date", from_date), parse_day("to_date", to_date), tz)
    start, end = _later(first, since), _earlier(last, until)
    if start is not None and end is not None and start >= end:
        raise FilterError("until" if until is not None else "to_date", "the window ends before it starts")
    return LogFilter(
        username=_text("username", username, 64),
        purpose=_text("purpose", purpose, MAX_PURPOSE_LENGTH),
        case_number=_text("case_number", case_number, MAX_CASE_NUMBER_LENGTH),
        action=_choice("action", action, ACTIONS),
        outcome=_choice("outcome", outcome, OUTCOMES),
        since=start,
        until=end,
    )


@dataclass(frozen=True, slots=True)
class PurgeFilter:
    """What the purge log is narrowed to: when the purge ran, who ran it, and whether it was a dry run."""

    ran_by: str | None = None
    dry_run: bool | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def described(self) -> str:
        parts = [f"ran by {self.ran_by}"] if self.ran_by else []
        if self.dry_run is not None:
            parts.append("dry runs" if self.dry_run else "real purges")
        parts += [f"{w} {t.isoformat()}" for w, t in (("from", self.since), ("before", self.until)) if t]
        return "; ".join(parts) or "none"


def purge_filter(
    tz: ZoneInfo,
    *,
    ran_by: str | None = None,
    dry_run: str | None = None,
    from_date: str | None = None,
    to_date: str | None = None,
) -> PurgeFilter:
    """The purge log's criteria from a form or a query string; `dry_run` is yes, no or empty (both)."""
    since, until = day_window(parse_day("from_date", from_date), parse_day("to_date", to_date), tz)
    dry = _choice("dry_run", dry_run, ("yes", "no"))
    return PurgeFilter(_text("ran_by", ran_by, 64), None if dry is None else dry == "yes", since, until)
