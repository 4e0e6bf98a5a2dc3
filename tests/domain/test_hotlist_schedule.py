"""A hot list's watched folder and import schedule: what is refused, in words naming the setting."""

from __future__ import annotations

from platewatch.domain.hotlist_settings import schedule_problem, settings_changes


def test_a_folder_and_a_schedule_go_together_with_a_format() -> None:
    assert schedule_problem("", 0, None) is None  # neither: a list filled by hand or by uploads
    assert schedule_problem("/srv/platewatch/incoming/ncic", 60, "ncic_fixed") is None
    assert schedule_problem("/srv/in", 5, "ncic_fixed") is None and schedule_problem("/srv/in", 1440, "x") is None
    assert schedule_problem("incoming/ncic", 60, "ncic_fixed") == (
        "watched folder: an absolute path on the server, such as /srv/platewatch/incoming/ncic"
    )
    assert "absolute path" in (schedule_problem("/srv/../etc", 60, "ncic_fixed") or "")
    assert schedule_problem("/srv/in", 4, "ncic_fixed") == "import every: 5 to 1440 minutes, or 0 for no schedule"
    assert schedule_problem("/srv/in", 1441, "ncic_fixed") == "import every: 5 to 1440 minutes, or 0 for no schedule"
    assert schedule_problem("/srv/in", 0, "ncic_fixed") == "import every: say how often the watched folder is looked at"
    assert (schedule_problem("", 60, "ncic_fixed") or "").startswith("watched folder: a schedule needs the folder")
    assert (schedule_problem("/srv/in", 60, None) or "").startswith("import format: the files of a watched folder")


def test_a_change_of_folder_or_schedule_is_said_in_the_versions_note() -> None:
    before = {"watch_folder": "", "import_every_minutes": 0}
    after = {"watch_folder": "/srv/in", "import_every_minutes": 60}
    assert settings_changes(before, after) == ["watched folder none → /srv/in", "import every (minutes) 0 → 60"]
