"""The agency's local time (issue 24): times are kept and exchanged in UTC, shown and counted in the agency's time
zone, with its offset so that an hour that repeats when clocks go back is never ambiguous. Pure functions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EXAMPLE_ZONE = "America/New_York"


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (e.g. America/New_York); ValueError naming it when it is not one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name!r} is not an IANA time zone name such as {EXAMPLE_ZONE!r}") from exc


def as_utc(value: dt.datetime) -> dt.datetime:
    """`value` in UTC; a naive value is taken as UTC (how SQLite gives stored times back)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def local(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """`value` as the agency's clock shows it."""
    return as_utc(value).astimezone(tz)


def shown(value: dt.datetime | None, tz: ZoneInfo, seconds: bool = False, empty: str = "") -> str:
    """`value` for a page or a document: `2026-12-06 04:03 EST` (with `:SS` when `seconds`); `empty` for None. The
    abbreviation tells EST from EDT in the hour that repeats in November."""
    if value is None:
        return empty
    t = local(value, tz)
    return t.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")


def shown_day(value: dt.datetime | None, tz: ZoneInfo, empty: str = "") -> str:
    """The agency's calendar day of `value` (YYYY-MM-DD)."""
    return empty if value is None else local(value, tz).date().isoformat()


def with_offset(value: dt.datetime, tz: ZoneInfo) -> str:
    """ISO 8601 in the agency's time with its offset (`2026-12-06T04:03:00-05:00`): manifests and CSV files."""
    return local(value, tz).isoformat()


def day_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant the agency's `day` begins (midnight on its clock; 23 or 25 hours after the day before when the
    clocks change)."""
    return dt.datetime.combine(day, dt.time(), tz).astimezone(dt.UTC)


def local_day_of_hour(hour_start_utc: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The agency's day that a UTC hour falls in (for counts grouped by UTC hour; exact for zones whose offset is a
    whole number of hours, as all US zones' are)."""
    return local(hour_start_utc, tz).date()
