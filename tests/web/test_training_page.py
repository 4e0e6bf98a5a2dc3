"""The training page in a real browser: a new officer is refused the search until the Program Administrator
records the course, and then searches (order V.B.1g, V.D.2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer
from tests.web.test_pages import log_in, open_as

pytestmark = pytest.mark.browser


def test_a_new_officer_searches_once_the_course_is_recorded(server: LiveServer, browser: Any, shots: Path) -> None:
    officer = server.add_person(Role.OFFICER, username="newhire", trained=False)
    admin = server.add_person(Role.ADMINISTRATOR)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, officer, "/search")
    page.wait_for_load_state()
    assert "no current LPR training on record" in page.inner_text("#training-required")
    assert "Ask the Program Administrator or a supervisor" in page.inner_text("body")  # an officer cannot record it
    assert page.locator("header a[href='/search']").count() == 0  # the menu offers no page that would refuse again
    context.close()

    context, page = open_as(browser, server, admin, "/training")
    assert page.locator("#person-newhire .standing").inner_text() == "untrained"
    page.fill("#username", "newhire")
    page.fill("#trainer", "Sgt. Rivera")
    page.click("#record-button")
    page.wait_for_selector("#done")
    row = page.locator("#person-newhire")
    assert row.locator(".standing").inner_text() == "trained" and "LPR operator" in row.inner_text()
    page.screenshot(path=str(shots / "training.png"), full_page=True)
    page.fill("#username", "ghost")
    page.fill("#trainer", "Sgt. Rivera")
    page.click("#record-button")
    assert "no user 'ghost'" in page.inner_text("body")
    context.close()

    context, page = open_as(browser, server, officer, "/search")
    assert page.locator("#search-button").is_visible()  # the search form, not a refusal
    context.close()
