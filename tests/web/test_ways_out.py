"""Every page has a way out, in a real browser: a refusal or an error shows the person's own menu and a link to a
page they can open, never one that refuses them again; an untrained administrator is taken to the Training page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer
from tests.web.test_pages import log_in, open_as

pytestmark = pytest.mark.browser


def menu(page: Any) -> list[str]:
    return [str(a.get_attribute("href")) for a in page.locator("header a").all()]


def test_an_auditor_lands_on_the_query_log_with_a_menu(server: LiveServer, browser: Any) -> None:
    auditor = server.add_person(Role.AUDITOR)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, auditor)  # the log-in page's default: the role's first page
    page.wait_for_url("**/querylog")
    links = menu(page)
    assert {"/querylog", "/purges", "/audits", "/reports", "/training", "/account"} <= set(links), links
    assert "/search" not in links
    page.click("header a[href='/audits']")  # a way on from the landing page
    page.wait_for_url("**/audits")
    context.close()


def test_an_auditor_refused_a_search_keeps_their_menu(server: LiveServer, browser: Any, shots: Path) -> None:
    auditor = server.add_person(Role.AUDITOR)
    context, page = open_as(browser, server, auditor, "/querylog")
    page.goto(server.url + "/search")
    assert page.inner_text("h1") == "Not allowed"
    page.screenshot(path=str(shots / "not-allowed.png"), full_page=True)
    links = menu(page)
    assert "/querylog" in links and "/audits" in links and "/account" in links  # the auditor's own menu
    assert "/search" not in links and "/map" not in links  # no page the role may not open
    assert "/search" not in [a.get_attribute("href") for a in page.locator("main a").all()]
    page.click("#way-on")
    page.wait_for_url("**/querylog")
    page.wait_for_selector("#querylog")
    context.close()


def test_an_untrained_administrator_is_taken_to_the_training_page(server: LiveServer, browser: Any) -> None:
    admin = server.add_person(Role.ADMINISTRATOR, username="newadmin", trained=False)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, admin, "/search")
    page.wait_for_selector("#training-required")
    assert page.inner_text("h1") == "Not allowed"
    assert "order V.D.2" not in page.inner_text("#training-required")  # plain words; the order is in the help below
    assert "Order V.D.2" in page.inner_text("main .muted")
    links = menu(page)
    assert "/people" in links and "/training" in links  # what an untrained administrator can still do
    assert not {"/search", "/map", "/alerts", "/querylog"} & set(links)  # these would refuse again
    page.click("#training-link")  # a link, not the text "/training"
    page.wait_for_url("**/training")
    page.fill("#username", "newadmin")
    page.fill("#trainer", "Sgt. Rivera")
    page.click("#record-button")
    page.wait_for_selector("#done")
    page.goto(server.url + "/search")
    assert page.locator("#search-button").is_visible()
    context.close()


def test_the_browser_finds_the_pages_icon(server: LiveServer, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/login")
    icon = page.request.get(server.url + "/favicon.ico")  # what Chromium asks for beside every page
    assert icon.status == 200 and icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page.goto(server.url + "/favicon.ico")
    assert page.evaluate("document.querySelector('img').naturalWidth") == 32  # Chromium decodes it
    context.close()
