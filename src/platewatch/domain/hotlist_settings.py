"""What a change of a hot list's settings changed, in words for its version's note (the list's audit trail)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SETTING_WORDS = {
    "name": "name",
    "default_category": "category",
    "priority": "priority",
    "covert": "covert",
    "approximate": "approximate matching",
    "import_format": "import format",
    "state_filter": "states",
    "alert_colour": "alert colour",
    "alert_sound": "alert sound",
    "watch_folder": "watched folder",
    "import_every_minutes": "import every (minutes)",
}

SCHEDULE_MINUTES = (5, 1440)
"""How often a watched folder may be looked at: from every 5 minutes to once a day (0: not scheduled)."""


def schedule_problem(watch_folder: str, import_every_minutes: int, import_format: str | None) -> str | None:
    """What is wrong with a list's watched folder and import schedule (None: nothing). The folder is an absolute path
    on the server; a schedule needs a folder, and a folder a schedule and the format its files are imported with."""
    low, high = SCHEDULE_MINUTES
    if watch_folder and (not watch_folder.startswith("/") or ".." in watch_folder.split("/")):
        return "watched folder: an absolute path on the server, such as /srv/platewatch/incoming/ncic"
    if import_every_minutes and not low <= import_every_minutes <= high:
        return f"import every: {low} to {high} minutes, or 0 for no schedule"
    if watch_folder and not import_every_minutes:
        return "import every: say how often the watched folder is looked at"
    if import_every_minutes and not watch_folder:
        return "watched folder: a schedule needs the folder the list's files are dropped in"
    if watch_folder and not import_format:
        return "import format: the files of a watched folder are imported with the list's format"
    return None


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value in (None, "") else str(value)


def settings_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """'priority 3 → 1', one per setting whose value `after` changes, in SETTING_WORDS' order (none: nothing
    changed)."""
    return [
        f"{words} {shown(before.get(key))} → {shown(after[key])}"
        for key, words in SETTING_WORDS.items()
        if key in after and after[key] != before.get(key)
    ]
