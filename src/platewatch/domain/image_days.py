"""Images stored by the UTC day of their read (ADR 0023): the folder of a day, and which days' images a purge retires.
Pure functions."""

from __future__ import annotations

import datetime as dt
import re

from platewatch.domain.read_days import bounds

_FOLDER = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def folder_name(day: dt.date) -> str:
    """`2026-12-06`: the folder of the images of the reads captured on that UTC day."""
    return day.isoformat()


def day_of_folder(name: str) -> dt.date | None:
    """The day a folder named by `folder_name` holds; None for any other name."""
    if _FOLDER.fullmatch(name) is None:
        return None
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return None


def days_to_retire(
    days: set[dt.date], retired: set[dt.date], folders: set[dt.date], cutoff: dt.datetime
) -> list[dt.date]:
    """The days whose images go whole, oldest first: every read of the day is past the cutoff (the day ends at or
    before it), and the day is not retired yet, or is but its folder is still there (a purge stopped between its
    commit and the folder's removal)."""
    expired = {d for d in days | folders if bounds(d)[1] <= cutoff}
    return sorted(d for d in expired if d not in retired or d in folders)
