"""The Deployments page in a real browser (order V.A.2, V.E.1, III.8): the Program Administrator approves a trailer's
site at the car computer's and the office's screen size, without horizontal scrolling; a supervisor sees the reads a
trailer took outside its approval, and the notice about them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from platewatch.server.accounts import service as accounts
from platewatch.server.db.engine import transaction
from platewatch.server.notices import service as notices
from tests.support.live_server import LiveServer, Person, read_payload
from tests.web.test_layout import OVERFLOW
from tests.web.test_pages import log_in

pytestmark = pytest.mark.browser

SIZES = ((1024, 768), (1366, 768))


def open_at(browser: Any, server: LiveServer, person: Person, path: str, size: tuple[int, int]) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    log_in(page, server, person, path)
    page.wait_for_url("**" + path)
    return context, page


def fits(page: Any) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["inner"] and not found["past"], found


def add_trailer(server: LiveServer, name: str) -> str:
    with transaction(server.sessions) as db:
        _, token = accounts.create_unit(db, name, "portable", "", "test", server.clock.now)
    return token


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_administrator_approves_a_trailers_site(
    server: LiveServer, browser: Any, shots: Path, size: tuple[int, int]
) -> None:
    add_trailer(server, "trailer-7")
    admin = server.add_person(Role.ADMINISTRATOR)
    context, page = open_at(browser, server, admin, "/deployments", size)
    assert page.locator("header nav a[href='/deployments']").count() == 1  # in the menu
    page.select_option("#unit", "trailer-7")
    page.fill("#site", "Post Road at Main Street, northbound")
    page.fill("#latitude", "41.14")
    page.fill("#longitude", "-73.36")
    page.fill("#radius_m", "150")
    page.fill("#reason", "speeding complaints from the Main Street merchants")
    page.click("#approve-button")
    page.wait_for_selector("#approvals tr.current")
    row = page.locator("#approvals tr.current").first
    assert "trailer-7" in row.locator(".unit").inner_text()
    assert "41.14000, -73.36000, 150 m" in row.locator(".site").inner_text()
    assert admin.username in row.inner_text() and "current" in row.locator(".status").inner_text()
    fits(page)
    page.screenshot(path=str(shots / f"deployments-approved-{size[0]}x{size[1]}.png"), full_page=True)

    first = row.get_attribute("id").removeprefix("approval-")
    page.select_option("#unit", "trailer-7")  # moved one block: a revision of that approval
    page.select_option("#replaces", first)
    page.fill("#site", "Post Road at Elm Street")
    page.fill("#latitude", "41.145")
    page.fill("#longitude", "-73.361")
    page.fill("#reason", "the merchants asked for the next block")
    page.click("#approve-button")
    page.wait_for_selector(f"#approval-{first}.past")
    assert "revised: replaced by approval" in page.inner_text(f"#approval-{first} .status")
    current = page.locator("#approvals tr.current").first
    assert "Post Road at Elm Street" in current.inner_text() and f"replaces #{first}" in current.inner_text()
    assert page.locator("#approvals tbody tr").count() == 2  # the history is kept
    fits(page)
    page.screenshot(path=str(shots / f"deployments-revised-{size[0]}x{size[1]}.png"), full_page=True)

    page.fill("#site", "Elm Street")  # a portable unit's site without its position: refused, with the reason
    page.fill("#reason", "second site")
    page.click("#approve-button")
    assert "latitude" in page.inner_text("[role=alert]")
    context.close()


def test_a_supervisor_sees_the_reads_outside_an_approval_and_the_notice(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    token = add_trailer(server, "trailer-8")
    admin, supervisor = server.add_person(Role.ADMINISTRATOR), server.add_person(Role.SUPERVISOR)
    start = server.clock.now - dt.timedelta(hours=3)
    with server.client(server.login(admin)) as c:
        r = c.post("/api/v1/deployments", json={
            "unit": "trailer-8", "site": "School zone, Long Lots Rd", "latitude": 41.15, "longitude": -73.33,
            "valid_from": start.isoformat(), "valid_until": (start + dt.timedelta(hours=1)).isoformat(),
            "reason": "school-zone speeding",
        })  # fmt: skip
        assert r.status_code == 201, r.text
    late = read_payload("ABC1234", start + dt.timedelta(hours=2), images=False, lat=None, lon=None)
    with server.client(token) as c:
        assert c.post("/api/v1/reads", json={"reads": [late]}).status_code == 200
    with server.db() as db:
        notices.run_once(db, server.settings, server.clock.now)

    for size in SIZES:
        context, page = open_at(browser, server, supervisor, "/deployments", size)
        row = page.locator(f"#flagged-{late['id']}")
        assert "trailer-8" in row.inner_text() and "no approval covered its time" in row.inner_text()
        assert "ABC1234" not in page.content()  # the unit's conduct, not the plates it saw
        assert page.locator("#approve-form").count() == 0  # supervisors see; the administrator approves
        fits(page)
        page.screenshot(path=str(shots / f"deployments-flagged-{size[0]}x{size[1]}.png"), full_page=True)
        page.goto(server.url + "/notices")
        assert "Unit trailer-8: reads outside an approved deployment" in page.inner_text("#notices")
        fits(page)
        context.close()
