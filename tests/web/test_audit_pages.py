"""The audit pages in a real browser: an auditor opens the half-year's audit, reviews each access drawn from the
query log, and closes it with a summary (order V.D.10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.server.test_audits import searches
from tests.support.live_server import LiveServer
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def test_an_auditor_reviews_a_random_sample_and_closes_the_audit(server: LiveServer, browser: Any, shots: Path) -> None:
    investigator = searches(server, 5)
    context, page = open_as(browser, server, server.add_person(Role.AUDITOR), "/audits")
    assert "An audit is due" in page.inner_text("#due")
    page.fill("#sample_size", "3")
    page.click("#open-button")
    page.wait_for_url("**/audits/1")
    rows = page.locator("#items tbody tr")
    assert rows.count() == 3 and "search" in rows.first.inner_text()
    assert f"{investigator} 1" in page.inner_text("#refused")  # the search without a purpose, not in the sample
    page.fill("#summary", "every sampled search had a purpose and a case number")
    page.click("#close-button")
    assert "3 sampled access(es) not reviewed yet" in page.inner_text("body")
    page.go_back()
    for i in range(3):
        row = page.locator("#items tbody tr").nth(i)
        row.locator("button").click()  # "compliant" is the first choice
        page.wait_for_load_state()
    assert page.locator("#items .reviewed").count() == 3
    page.fill("#summary", "every sampled search had a purpose and a case number")
    page.click("#close-button")
    page.wait_for_selector("#closed")
    assert "every sampled search had a purpose" in page.inner_text("#closed")
    page.screenshot(path=str(shots / "audit.png"), full_page=True)
    page.goto(server.url + "/audits")
    assert page.locator("#due").count() == 0 and "compliant 3" in page.inner_text("#audit-1")
    context.close()
