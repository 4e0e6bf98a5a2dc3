"""A change of a hot list's settings in words, for its version's note."""

from __future__ import annotations

from platewatch.domain.hotlist_settings import settings_changes


def test_only_what_changed_is_said_in_a_fixed_order() -> None:
    before = {"priority": 3, "covert": False, "alert_colour": "red", "import_format": None, "name": "BOLO"}
    after = {"alert_colour": "purple", "covert": True, "priority": 3, "import_format": "ncic_fixed", "name": "BOLO"}
    assert settings_changes(before, after) == [
        "covert no → yes",
        "import format none → ncic_fixed",
        "alert colour red → purple",
    ]
    assert settings_changes(before, dict(before)) == []
