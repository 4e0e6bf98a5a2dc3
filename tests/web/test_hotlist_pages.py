"""Hot-list and alert pages in a real browser: manual entry with purpose, alert accept and confirm, import report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.hotlists import Category
from platewatch.domain.roles import Role
from platewatch.server.db.engine import transaction
from platewatch.server.hotlists import service as hotlists
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_pages import log_in

pytestmark = pytest.mark.browser


def make_lists(server: LiveServer) -> tuple[int, int]:
    with transaction(server.sessions) as db:
        bolo = hotlists.create_list(
            db, name="BOLO", source="manual", category=Category.BOLO, actor="t", now=server.clock.now
        )
        ncic = hotlists.create_list(
            db, name="NCIC", source="ncic", category=Category.STOLEN_VEHICLE, actor="t", now=server.clock.now,
            import_format="ncic_fixed",
        )  # fmt: skip
        return bolo.id, ncic.id


def test_manual_entry_then_alert_accepted_and_confirmed(server: LiveServer, browser: Any, shots: Path) -> None:
    bolo_id, _ = make_lists(server)
    supervisor = server.add_person(Role.SUPERVISOR)
    ctx = browser.new_context()
    page = ctx.new_page()
    log_in(page, server, supervisor, f"/hotlists/{bolo_id}")
    page.wait_for_selector("#add-entry")
    page.fill("#plate", "WANTED1")
    page.fill("#purpose", "too short")
    page.evaluate("document.querySelector('#purpose').removeAttribute('minlength')")  # the server checks too
    page.click("#add-entry")
    assert "purpose" in page.inner_text("[role=alert]")
    page.fill("#plate", "WANTED1")
    page.fill("#purpose", "burglary suspect vehicle seen on Main St")
    page.click("#add-entry")
    assert "WANTED1 added" in page.inner_text("#notice")
    assert "WANTED1" in page.inner_text("#entries")
    ctx.close()

    with server.client(server.add_unit("car-3")) as c:
        assert c.post("/api/v1/reads", json={"reads": [read_payload("WANTED1", server.clock.now)]}).status_code == 200

    officer = server.add_person(Role.OFFICER)
    ctx = browser.new_context()
    page = ctx.new_page()
    log_in(page, server, officer, "/alerts")
    page.wait_for_selector("#alerts")
    row = page.locator("#alerts tbody tr").first
    assert "WANTED1" in row.inner_text() and "BOLO" in row.inner_text()
    assert row.locator(".category").inner_text() == "be on the lookout"  # words, not the code "bolo"
    assert row.locator("img.crop").get_attribute("src").startswith("data:image/jpeg;base64,")
    page.screenshot(path=str(shots / "alerts.png"), full_page=True)
    row.locator("button.accept").click()
    page.wait_for_selector("#alerts")
    assert page.locator("#alerts tbody tr .status").first.inner_text().startswith("accepted")
    ctx.close()

    dispatcher = server.add_person(Role.DISPATCHER)
    ctx = browser.new_context()
    page = ctx.new_page()
    log_in(page, server, dispatcher, "/alerts")
    page.wait_for_selector("#alerts")
    page.locator("#alerts tbody tr").first.locator("button.confirm").click()
    page.wait_for_selector("#alerts")
    assert page.locator("#alerts tbody tr .status").first.inner_text().startswith("confirmed")
    ctx.close()

    # The officer records the outcome; the alert then shows it, with who accepted it and who recorded it.
    ctx = browser.new_context()
    page = ctx.new_page()
    log_in(page, server, officer, "/alerts")
    page.wait_for_selector("#alerts")
    row = page.locator("#alerts tbody tr").first
    row.locator("select[name=disposition]").select_option(label="vehicle recovered")
    row.locator("input[name=incident_number]").fill("26-004411")
    row.locator("button.dispose").click()
    page.wait_for_selector("#alerts")
    status = page.locator("#alerts tbody tr .status").first
    assert status.inner_text().startswith("disposed")
    assert status.locator(".outcome").inner_text() == "Outcome: vehicle recovered"
    assert status.locator(".decided").inner_text() == f"accepted by {officer.username}"
    assert f"verified by {dispatcher.username}" in status.inner_text()
    assert f"recorded by {officer.username}" in status.inner_text() and "incident 26-004411" in status.inner_text()
    page.screenshot(path=str(shots / "alert-disposed.png"), full_page=True)
    ctx.close()


def test_import_report_shows_line_numbers(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    _, ncic_id = make_lists(server)
    bad = tmp_path / "ncic.txt"
    bad.write_text("garbage line one\ngarbage line two\n")
    admin = server.add_person(Role.ADMINISTRATOR)
    ctx = browser.new_context()
    page = ctx.new_page()
    log_in(page, server, admin, f"/hotlists/{ncic_id}")
    page.wait_for_selector("#import-button")
    page.set_input_files("#file", str(bad))
    page.click("#import-button")
    page.wait_for_selector("#problems")
    assert "refused" in page.inner_text("[role=alert]").lower() or page.inner_text("[role=alert]")
    lines = [r.inner_text().split("\t")[0] for r in page.locator("#problems tbody tr").all()]
    assert lines == ["1", "2"]
    page.goto(server.url + "/hotlists")
    assert "NCIC" in page.inner_text("#import-failures")
    ctx.close()
