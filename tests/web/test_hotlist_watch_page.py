"""A hot list's watched folder and import schedule set and changed on its page, at the car computer's and the
office's screen sizes, each change in the list's versions and the audit trail (issue 24, item 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.hotlists.models import HotList
from tests.server.test_hotlist_watch import NCIC
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer
from tests.web.test_hotlist_deletion_page import fits
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def test_the_watched_folder_and_schedule_are_changed_on_the_page(server: LiveServer, browser: Any, shots: Path) -> None:
    made = make_list(Actors(server), **NCIC)
    admin = server.add_person(Role.ADMINISTRATOR)
    context, page = open_as(browser, server, admin, f"/hotlists/{made['id']}")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.fill("#watch_folder", "incoming/ncic")  # not a path on the server: refused, nothing changed
    page.fill("#import_every_minutes", "60")
    page.click("#settings-button")
    page.wait_for_selector("#settings-error")
    assert "watched folder: an absolute path on the server" in page.inner_text("#settings-error")
    fits(page, shots, "hotlist-watch-refused")

    page.fill("#watch_folder", "/srv/platewatch/incoming/ncic")
    page.fill("#import_every_minutes", "60")
    page.click("#settings-button")
    page.wait_for_selector("#notice")
    change = "watched folder none → /srv/platewatch/incoming/ncic; import every (minutes) 0 → 60"
    assert page.inner_text("#notice") == f"Settings changed: {change}"
    assert page.inner_text("#watched") == "/srv/platewatch/incoming/ncic"
    assert page.input_value("#import_every_minutes") == "60"
    row = page.locator("#versions tbody tr").first.locator("td")
    assert [row.nth(i).inner_text() for i in (2, 3, 5)] == [admin.username, "settings", change]
    fits(page, shots, "hotlist-watch")

    page.fill("#watch_folder", "")  # no folder any more: the schedule goes with it
    page.fill("#import_every_minutes", "")
    page.click("#settings-button")
    page.wait_for_selector("#notice")
    assert page.inner_text("#notice") == (
        "Settings changed: watched folder /srv/platewatch/incoming/ncic → none; import every (minutes) 60 → 0"
    )
    context.close()
    with server.db() as db:
        hotlist = db.get(HotList, made["id"])
        assert hotlist is not None and (hotlist.watch_folder, hotlist.import_every_minutes) == ("", 0)
        details = db.scalars(
            select(SecurityEvent.detail).where(
                SecurityEvent.event == "hotlist_settings", SecurityEvent.username == admin.username
            )
        ).all()
    assert len(details) == 2 and change in details[0]  # each change in the audit trail
