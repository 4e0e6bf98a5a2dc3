"""The data-request pages in a real browser (order V.D.6-9): an investigator records a request from the Detective
Bureau, the Program Administrator approves it, the investigator searches for it from its page and opens a read, the
accesses are listed on the request, and its release is recorded; a request from another town is denied at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.querylog.models import QueryLogEntry
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def record(page: Any, requester: str, agency: str, case: str) -> None:
    page.fill("#requester", requester)
    page.fill("#agency", agency)
    page.fill("#agency_unit", "Detective Bureau")
    page.fill("#case_number", case)
    page.fill("#asked_for", "reads of plate ABC1234 on Main Street, the night of December 1")
    page.fill("#legal_basis", "burglary investigation, search warrant 26-118")
    page.click("#record-button")
    page.wait_for_selector("#status")


def test_a_request_is_recorded_approved_searched_for_and_fulfilled(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    with server.client(server.add_unit("car-12")) as c:
        assert c.post("/api/v1/reads", json={"reads": [read_payload("ABC1234", server.clock.now)]}).status_code == 200
    investigator, admin = server.add_person(Role.INVESTIGATOR), server.add_person(Role.ADMINISTRATOR)

    context, page = open_as(browser, server, investigator, "/requests")
    assert page.locator("header a[href='/requests']").inner_text() == "Data requests"  # in the investigator's menu
    assert page.input_value("#agency") == server.settings.agency_name  # the department itself, offered first
    record(page, "Det. Dana Ortiz", server.settings.agency_name, "2026-004411")
    assert page.inner_text("#status") == "received"
    assert page.locator("#review-form").count() == 0  # an investigator does not review
    request_url = page.url
    context.close()

    context, page = open_as(browser, server, admin, "/requests")
    page.locator("#requests a", has_text="1").first.click()
    page.wait_for_selector("#review-form")
    page.select_option("#decision-select", "approved")
    page.fill("#review-note", "warrant 26-118 seen; within the department")
    page.click("#review-button")
    page.wait_for_selector("#decision")
    assert page.inner_text("#status") == "approved" and admin.username in page.inner_text("#decision")
    context.close()

    context, page = open_as(browser, server, investigator, "/requests")
    page.goto(request_url)
    page.click("#search-link")  # the search form, filled in with the request's number, case and purpose
    page.wait_for_selector("#search-button")
    assert page.input_value("#request") == "1" and page.input_value("#case_number") == "2026-004411"
    page.fill("#plate", "ABC1234")
    page.click("#search-button")
    page.wait_for_selector("#results")
    page.locator("#results a.plate").first.click()  # the read's page follows the search: linked to the request too
    page.wait_for_url("**/reads/**")
    page.goto(request_url)
    assert [a.inner_text() for a in page.locator("#accesses .action").all()] == ["search", "view_read"]
    page.fill("#released-what", "printout of 1 read with its images, handed to Det. Ortiz")
    page.click("#fulfil-button")
    page.wait_for_selector("#released")
    assert page.inner_text("#status") == "fulfilled" and "Det. Ortiz" in page.inner_text("#released")
    assert page.locator("#fulfil-form").count() == 0 and page.locator("#search-link").count() == 0
    page.screenshot(path=str(shots / "data-request.png"), full_page=True)
    context.close()

    with server.db() as db:
        linked = [e.parameters.get("request") for e in db.scalars(select(QueryLogEntry).order_by(QueryLogEntry.seq))]
    assert linked == ["1", "1"]


def test_a_request_from_another_town_is_recorded_and_denied(server: LiveServer, browser: Any, shots: Path) -> None:
    supervisor = server.add_person(Role.SUPERVISOR)
    context, page = open_as(browser, server, supervisor, "/requests")
    record(page, "Det. Lee", "Stamford Police Department", "ST-2026-88")
    assert page.inner_text("#status") == "denied"
    assert "outside the town" in page.inner_text("#decision") and "V.D.6" in page.inner_text("#decision")
    assert page.locator("#review-form").count() == 0 and page.locator("#search-link").count() == 0
    page.goto(server.url + "/requests?status=denied")
    row = page.locator("#requests tbody tr").first
    assert "Stamford Police Department" in row.inner_text() and "outside the town" in row.inner_text()
    page.fill("#requester", "x")  # too short: the browser asks first; the server refuses it too
    page.screenshot(path=str(shots / "data-requests.png"), full_page=True)
    context.close()
    officer = server.add_person(Role.OFFICER)
    context, page = open_as(browser, server, officer, "/search")
    assert page.locator("header a[href='/requests']").count() == 0  # not an officer's page
    page.goto(server.url + "/requests")
    assert "may not" in page.inner_text("[role=alert]")
    context.close()


def test_the_auditor_sees_the_periods_requests_with_their_accesses(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    with server.client(server.add_unit("car-12")) as c:
        assert c.post("/api/v1/reads", json={"reads": [read_payload("ABC1234", server.clock.now)]}).status_code == 200
    investigator, admin = server.add_person(Role.INVESTIGATOR), server.add_person(Role.ADMINISTRATOR)
    body = {"requester": "Det. Dana Ortiz", "agency": server.settings.agency_name, "case_number": "2026-004411",
            "asked_for": "reads of plate ABC1234 on Main Street", "legal_basis": "search warrant 26-118"}  # fmt: skip
    with server.client(server.login(investigator)) as inv, server.client(server.login(admin)) as adm:
        rid = inv.post("/api/v1/requests", json=body).json()["id"]
        adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "approved", "note": "warrant 26-118 seen"})
        seq = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": rid}).json()["query_log_seq"]
    context, page = open_as(browser, server, server.add_person(Role.AUDITOR), "/audits")
    page.click("#open-button")
    page.wait_for_selector("#audit-requests")
    row = page.locator(f"#audit-request-{rid}")
    assert "Det. Dana Ortiz" in row.inner_text() and "approved" in row.locator(".status").inner_text()
    assert row.locator(".accesses a").inner_text() == str(seq)
    assert page.locator(f"#items #row-{seq}").count() == 1  # the access made for it is in the sample
    page.screenshot(path=str(shots / "audit-requests.png"), full_page=True)
    context.close()
