"""LEAS documentation in a real browser (order V.E.2f): an investigator records the arrest a read led to from the read's
page, before the LEAS number exists; the supervisor finds it on the Reports page and records the number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_pages import log_in, open_as

pytestmark = pytest.mark.browser


def test_an_arrest_from_a_search_is_recorded_and_its_leas_number_given_later(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    unit = server.add_unit("car-12")
    with server.client(unit) as c:
        assert c.post("/api/v1/reads", json={"reads": [read_payload("8TRK455", server.clock.now)]}).status_code == 200
    investigator, supervisor = server.add_person(Role.INVESTIGATOR), server.add_person(Role.SUPERVISOR)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, server, investigator, "/search")
    page.fill("#plate", "8TRK455")
    page.fill("#purpose", "burglary series, suspect vehicle")
    page.fill("#case_number", "2026-004410")
    page.click("#search-button")
    page.locator("#results a.plate").first.click()
    page.wait_for_selector("#outcome-form")
    assert page.input_value("#outcome-subtype") == "LPR"  # the agency's LPR sub-type, prefilled
    page.select_option("#outcome-kind", "arrest")
    page.click("#outcome-button")
    page.wait_for_selector("#outcome-recorded")
    assert "purpose: burglary series, suspect vehicle" in page.inner_text(".notice")  # the same read, same purpose
    context.close()

    context, page = open_as(browser, server, supervisor, "/reports")
    assert page.inner_text("#leas-undocumented") == "1"
    gap = page.locator("#leas-gaps tbody tr.leas-search")
    assert investigator.username in gap.inner_text() and "no LEAS incident number" in gap.inner_text()
    gap.locator("input[name=incident_number]").fill("26-004410-A")
    gap.locator("button").click()
    page.wait_for_url("**/reports*")
    assert page.inner_text("#leas-undocumented") == "0"
    page.screenshot(path=str(shots / "reports-leas.png"), full_page=True)
    context.close()
