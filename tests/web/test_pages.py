"""The web pages in a real browser: log in with MFA, search with a purpose, open a read, audit the log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer, Person, read_payload

pytestmark = pytest.mark.browser


def log_in(page: Any, server: LiveServer, person: Person, next_path: str = "/search") -> None:
    page.goto(server.url + next_path)
    assert "/login" in page.url  # not logged in: sent to the login page
    server.clock.advance(seconds=31)
    page.fill("#username", person.username)
    page.fill("#password", person.password)
    page.fill("#totp", server.totp(person) or "")
    page.click("#login-button")


def open_as(browser: Any, server: LiveServer, person: Person, path: str) -> tuple[Any, Any]:
    """A fresh browser context logged in as `person`, on `path` (the role's landing page for /search)."""
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, person, path)
    page.wait_for_url("**" + path)
    return context, page


def test_officer_searches_and_opens_a_read(server: LiveServer, browser: Any, shots: Path) -> None:
    unit = server.add_unit("car-12")
    with server.client(unit) as c:
        reads = [read_payload("ABC1234", server.clock.now, seed=1), read_payload("XYZ0001", server.clock.now, seed=2)]
        assert c.post("/api/v1/reads", json={"reads": reads}).status_code == 200
    officer = server.add_person(Role.OFFICER)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, officer)
    page.wait_for_url("**/search")
    page.fill("#plate", "ABC*")
    page.fill("#purpose", "stolen vehicle report follow-up")
    page.fill("#case_number", "2026-000777")
    page.click("#search-button")
    page.wait_for_selector("#results")
    page.screenshot(path=str(shots / "results.png"), full_page=True)
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(".plate").inner_text() == "ABC1234"
    img = rows.first.locator("img.crop")
    assert img.get_attribute("src").startswith("data:image/jpeg;base64,")
    assert page.evaluate("document.querySelector('img.crop').naturalWidth") == 120  # the JPEG really decoded
    assert "case 2026-000777" in page.inner_text(".notice")
    # plain words: the search is recorded for audit (no bare "Query log #7")
    assert "recorded for audit (query log entry" in page.inner_text(".notice")
    assert "Query log #" not in page.inner_text("body")
    rows.first.locator("a.plate").click()
    page.wait_for_selector("#plate-image")
    assert "purpose: stolen vehicle report follow-up" in page.inner_text(".notice")
    assert "this view is recorded for audit" in page.inner_text(".notice")
    page.screenshot(path=str(shots / "read.png"), full_page=True)
    # A search without a purpose never runs: the server refuses it and says why.
    page.goto(server.url + "/search/results?plate=ABC1234")
    assert "purpose is required" in page.inner_text("[role=alert]")
    context.close()

    auditor = server.add_person(Role.AUDITOR)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, auditor, "/querylog")
    page.wait_for_selector("#querylog")
    page.screenshot(path=str(shots / "querylog.png"), full_page=True)
    text = page.inner_text("#querylog")
    assert officer.username in text and "2026-000777" in text
    assert "view_read" in text and "refused" in text
    context.close()


def test_wrong_code_shows_an_error_and_no_session(server: LiveServer, browser: Any) -> None:
    officer = server.add_person(Role.OFFICER)
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#username", officer.username)
    page.fill("#password", officer.password)
    page.fill("#totp", "000000")
    page.click("#login-button")
    assert page.inner_text("[role=alert]") == "wrong username, password or code"
    assert context.cookies() == []
    context.close()


def test_auditor_cannot_open_the_search_page(server: LiveServer, browser: Any) -> None:
    auditor = server.add_person(Role.AUDITOR)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, auditor, "/querylog")
    page.wait_for_selector("#querylog")
    response = page.goto(server.url + "/search")
    assert response.status == 403
    assert "may not search_reads" in page.inner_text("[role=alert]")
    context.close()
