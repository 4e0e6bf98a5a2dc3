"""Day partitions of the reads (ADR 0019): one per UTC day, named by it; which to make ahead and which a purge drops.
Pure functions."""

from __future__ import annotations

import datetime as dt
import re

AHEAD_DAYS = 7
"""Days made ahead of today: an upload never meets a missing day while the scheduler has run within a week."""
DEFAULT_PARTITION = "reads_default"
"""Where a read goes whose day has no partition (a day not made yet, or an old day a purge has dropped)."""
_NAME = re.compile(r"reads_(\d{4})(\d{2})(\d{2})")


def day_of(instant: dt.datetime) -> dt.date:
    """The UTC day an instant falls on."""
    if instant.tzinfo is None:
        raise ValueError("instant needs a time zone")
    return instant.astimezone(dt.UTC).date()


def bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The day's partition holds reads captured in [start, end): UTC midnight to the next."""
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    return start, start + dt.timedelta(days=1)


def partition_name(day: dt.date) -> str:
    """`reads_20261206` for 6 December 2026."""
    return f"reads_{day:%Y%m%d}"


def day_of_partition(name: str) -> dt.date | None:
    """The day a partition named by `partition_name` holds; None for any other name (the default partition)."""
    m = _NAME.fullmatch(name)
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def days_to_make(now: dt.datetime, existing: set[dt.date], ahead: int = AHEAD_DAYS) -> list[dt.date]:
    """The days from yesterday to `ahead` days after today that have no partition yet, oldest first (yesterday too:
    a unit back in contact uploads the day before)."""
    today = day_of(now)
    wanted = (today + dt.timedelta(days=k) for k in range(-1, ahead + 1))
    return [d for d in wanted if d not in existing]


def expired_days(days: set[dt.date], cutoff: dt.datetime) -> list[dt.date]:
    """The days whose every read is past the cutoff (the day ends at or before it): dropped whole, oldest first. The
    day the cutoff falls in is not: its expired reads are deleted one by one."""
    return sorted(d for d in days if bounds(d)[1] <= cutoff)


DETACHED_PREFIX = "detached_"
"""A day's partition detached by the purge is renamed with this prefix and dropped after the purge (ADR 0023)."""
IMAGE_DEFAULT_PARTITION = "read_images_default"
"""Where an image row goes whose day has no partition of `read_images` (the images of held reads of a dropped day)."""
_IMAGE_NAME = re.compile(r"read_images_(\d{8})")


def detached_day(name: str) -> dt.date | None:
    """The day of a partition of `reads` or `read_images` detached and renamed by the purge; None for any other name."""
    if not name.startswith(DETACHED_PREFIX):
        return None
    rest = name[len(DETACHED_PREFIX) :]
    return day_of_partition(rest) or day_of_image_partition(rest)


def image_partition_name(day: dt.date) -> str:
    """`read_images_20261206`: the image rows of the reads of 6 December 2026 (ADR 0023)."""
    return f"read_images_{day:%Y%m%d}"


def day_of_image_partition(name: str) -> dt.date | None:
    """The day a partition named by `image_partition_name` holds; None for any other name."""
    m = _IMAGE_NAME.fullmatch(name)
    return None if m is None else day_of_partition(f"reads_{m[1]}")
