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
}


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
