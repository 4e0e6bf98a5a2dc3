"""A new department's first administrator, in Chromium, from the one-time password the install printed to a trained
state (issue 24's journey): log in, set up the authenticator, choose a password, be told that no LPR course is on
record with a link to the Training page, record the course, and reach the data. Every step fits both screens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from platewatch.server.accounts import service as accounts
from platewatch.server.db.engine import transaction
from tests.support.live_server import LiveServer, Person
from tests.web.fits import fits
from tests.web.test_pages import log_in
from tests.web.test_people_page import CHOSEN, enrol_on_the_account_page

pytestmark = pytest.mark.browser


def test_the_first_administrator_goes_from_the_one_time_password_to_a_trained_state(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    with transaction(server.sessions) as db:  # what `platewatch server` does on a new store: a one-time password
        first = accounts.create_user(db, "chief.admin", Role.ADMINISTRATOR, password=None)
        one_time = first.password
    assert one_time
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, server, Person("chief.admin", Role.ADMINISTRATOR, one_time, None), "/people")
    page.wait_for_url("**/account")
    assert page.locator("#must-change").count() == 1
    fits(page, shots, "1-first-login")
    secret = enrol_on_the_account_page(page, server)
    fits(page, shots, "2-authenticator-set-up")
    page.fill("#current_password", one_time)
    page.fill("#new_password", CHOSEN)
    page.fill("#repeat_password", CHOSEN)
    page.click("#password-button")
    # chosen: the administrator goes on, and the data pages say what is missing, with the way to it
    page.wait_for_load_state()
    page.goto(server.url + "/search")
    page.wait_for_selector("#training-required")
    assert page.inner_text("h1") == "Not allowed"
    fits(page, shots, "3-no-course-on-record")
    page.click("#training-link")
    page.wait_for_url("**/training")
    fits(page, shots, "4-training-page")
    page.fill("#username", "chief.admin")
    page.fill("#trainer", "State Police LPR instructor")
    page.click("#record-button")
    page.wait_for_selector("#done")
    assert page.locator("#person-chief\\.admin .standing").inner_text() == "trained"
    fits(page, shots, "5-course-recorded")
    page.goto(server.url + "/search")
    assert page.locator("#search-button").is_visible()
    fits(page, shots, "6-search")
    links = [str(a.get_attribute("href")) for a in page.locator("header a").all()]
    assert {"/search", "/people", "/hotlists", "/querylog", "/training"} <= set(links)
    context.close()
    assert secret
