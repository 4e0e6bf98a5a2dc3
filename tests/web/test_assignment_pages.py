"""Supervisors' duties in a real browser (order V.E.2a): a supervisor assigns an officer to a unit on the Assignments
page on the car computer's screen and the office's; the unit's screen refuses an officer who is not assigned, and
lets them on once a supervisor records an override."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer
from tests.web.test_layout import OVERFLOW
from tests.web.test_pages import log_in
from tests.web.test_unit_screen import log_on, screen_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768)])
def test_a_supervisor_assigns_an_officer_on_the_page(
    server: LiveServer, browser: Any, shots: Path, width: int, height: int
) -> None:
    server.add_unit("car-12")
    server.add_unit("car-7")
    officer = server.add_person(Role.OFFICER, username="jsmith")
    supervisor = server.add_person(Role.SUPERVISOR)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    log_in(page, server, supervisor, "/assignments")
    page.wait_for_url("**/assignments")
    assert "You belong to no command: you see every unit and every officer" in page.inner_text("#scope")
    page.goto(server.url + "/querylog")
    assert page.inner_text("#scope") == "You belong to no command: the log shows everyone's queries."
    page.goto(server.url + "/assignments")
    assert page.locator("header a[href='/assignments']").count() == 1  # on the supervisor's menu
    page.select_option("#unit", "car-12")
    page.fill("#username", "jsmith")  # the shift's times are filled in: from now, for 8 hours
    page.click("#assign-button")
    page.wait_for_selector("#done")
    row = page.locator("#assignments tbody tr").first
    assert [row.locator(c).inner_text() for c in (".unit", ".officer", ".kind")] == ["car-12", "jsmith", "assignment"]
    assert supervisor.username in row.inner_text()
    page.fill("#username", "nobody")
    page.click("#assign-button")
    assert "no active user 'nobody'" in page.inner_text("body")  # refused, and said so
    page.go_back()
    page.wait_for_selector("#assignments")
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["inner"] and not found["past"], found
    page.screenshot(path=str(shots / f"assignments-{width}x{height}.png"), full_page=True)
    context.close()
    with server.client(server.add_unit("car-3")) as unit:  # the assignment holds for car-12 only
        server.clock.advance(seconds=31)
        body = {"username": officer.username, "password": officer.password, "otp": server.totp(officer)}
        assert unit.post("/api/v1/unit/logon", json=body).json()["error"] == "not_assigned"


def test_the_unit_screen_refuses_an_officer_not_assigned_until_a_supervisor_overrides(
    server: LiveServer, browser: Any, tmp_path: Path, shots: Path
) -> None:
    token = server.add_unit("car-12")
    officer = server.add_person(Role.OFFICER)
    supervisor = server.add_person(Role.SUPERVISOR)
    with screen_page(server, browser, token, tmp_path / "unit.db") as (page, book):
        log_on(page, server, officer, unit=None)
        page.wait_for_selector("#message.bad")
        said = page.inner_text("#message")
        assert f"{officer.username} is not assigned to unit car-12 now" in said and "/assignments" in said
        assert page.locator("form#logon").is_visible() and book.officer() is None
        page.screenshot(path=str(shots / "unit-screen-not-assigned.png"), full_page=True)

        office = browser.new_context(viewport={"width": 1024, "height": 768})
        sgt = office.new_page()
        log_in(sgt, server, supervisor, "/assignments")
        sgt.wait_for_url("**/assignments")
        sgt.select_option("#o-unit", "car-12")
        sgt.fill("#o-username", officer.username)
        sgt.fill("#o-reason", "car-7 broke down at the start of the shift")
        sgt.click("#override-button")
        sgt.wait_for_selector("#done")
        assert "override" in sgt.locator("#assignments tbody tr").first.locator(".kind").inner_text()
        office.close()

        log_on(page, server, officer, unit=None)
        page.wait_for_selector(f"#officer:has-text('{officer.username}')")
        assert book.officer() is not None


def test_the_administrator_makes_a_command_and_the_supervisors_pages_follow_it(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    for name in ("car-n", "car-s"):
        server.add_unit(name)
    admin = server.add_person(Role.ADMINISTRATOR)
    sgt = server.add_person(Role.SUPERVISOR, username="sgt_north")
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, server, admin, "/commands")
    page.wait_for_url("**/commands")
    assert "No commands: every supervisor sees every unit and person" in page.inner_text("#commands")
    page.fill("#name", "North District")
    page.click("#command-form button")
    page.wait_for_selector("#done")
    for what, name in (("person", "sgt_north"), ("unit", "car-n")):
        page.select_option("#what", what)
        page.fill("#place-name", name)
        page.select_option("#command", "North District")
        page.click("#place-form button")
        page.wait_for_selector("#done")
    row = page.locator("#commands tbody tr").first
    assert "North District" in row.inner_text() and "sgt_north" in row.inner_text() and "car-n" in row.inner_text()
    page.screenshot(path=str(shots / "commands.png"), full_page=True)
    context.close()

    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, server, sgt, "/units")
    page.wait_for_url("**/units")
    assert page.inner_text("#scope") == "Your command: North District. You see its units and people only."
    assert page.locator("#unit-car-n").count() == 1 and page.locator("#unit-car-s").count() == 0
    page.goto(server.url + "/assignments")
    assert [o.inner_text() for o in page.locator("#unit option").all()] == ["car-n"]
    page.goto(server.url + "/querylog")
    assert page.inner_text("#scope") == "Your command: North District. The log shows the queries of its people only."
    context.close()
