"""Hot-list and alert pages in a real browser: manual entry with purpose, alert accept and confirm, import report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platewatch.domain.hotlists import Category
from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.db.engine import transaction
from platewatch.server.hotlists import service as hotlists
from platewatch.server.hotlists.models import HotList
from tests.server.test_hotlists_api import NCIC_FILE, Actors
from tests.support.live_server import LiveServer, read_payload
from tests.web.fits import fits
from tests.web.test_pages import log_in, open_as

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

    # The car passes car-3 three times in two minutes: one alert, the two later passes counted on it (ADR 0012).
    seen = [server.clock.now - dt.timedelta(minutes=m) for m in (5, 4, 3)]
    with server.client(server.add_unit("car-3")) as c:
        for i, at in enumerate(seen):
            read = read_payload("WANTED1", at, lat=41.1468 + i / 1000, seed=i)
            assert c.post("/api/v1/reads", json={"reads": [read]}).status_code == 200

    officer = server.add_person(Role.OFFICER)
    ctx = browser.new_context(viewport={"width": 1024, "height": 768})
    page = ctx.new_page()
    log_in(page, server, officer, "/alerts")
    page.wait_for_selector("#alerts")
    assert page.locator("#alerts tbody tr").count() == 1
    row = page.locator("#alerts tbody tr").first
    assert "WANTED1" in row.inner_text() and "BOLO" in row.inner_text()
    repeats = row.locator(".repeats").inner_text()
    assert "Seen again 2 times by car-3, not alerted again" in repeats
    assert f"{seen[1]:%Y-%m-%d %H:%M:%S} UTC at 41.14780, -73.49480" in repeats  # the server's zone: UTC here
    assert f"{seen[2]:%Y-%m-%d %H:%M:%S} UTC at 41.14880, -73.49480" in repeats
    assert row.locator(".category").inner_text() == "be on the lookout"  # words, not the code "bolo"
    assert row.locator("img.crop").get_attribute("src").startswith("data:image/jpeg;base64,")
    fits(page, shots, "alert-1-arrived-with-its-repeats")
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
    assert "Seen again 2 times" in page.locator("#alerts tbody tr .repeats").first.inner_text()
    fits(page, shots, "alert-2-disposed-with-its-outcome")
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


def test_a_hot_list_is_created_changed_and_retired_on_the_page(
    server: LiveServer, browser: Any, shots: Path, tmp_path: Path
) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    context, page = open_as(browser, server, admin, "/hotlists")
    assert "Create one below" in page.inner_text("#no-lists")  # the empty page says what to do
    page.fill("#name", "Stolen CT")
    page.select_option("#source", "state")
    page.select_option("#category", label="stolen vehicle (priority 2)")
    page.select_option("#import_format", "ncic_fixed")
    page.fill("#state_filter", "ct, ny")
    page.uncheck("#approximate")  # a big state file: exact matches only
    page.click("#create-button")
    page.wait_for_url("**/hotlists/*?created=1")
    assert "Hot list created" in page.inner_text("#notice")
    with server.db() as db:
        made = db.scalars(select(HotList).where(HotList.name == "Stolen CT")).one()
        settings = (made.source, made.default_category, made.priority, made.covert, made.approximate)
        assert settings == ("state", "stolen_vehicle", 2, False, False)  # as `platewatch hotlist create` makes it
        assert (made.import_format, made.state_filter, made.created_by) == ("ncic_fixed", "CT,NY", admin.username)
    list_id = made.id
    assert page.locator("#versions tbody tr").first.locator("td").nth(3).inner_text() == "create"
    fits(page, shots, "hotlist-1-created")

    state_file = tmp_path / "ct-stolen.txt"  # the state's file, uploaded from the administrator's computer
    state_file.write_bytes(NCIC_FILE)
    page.set_input_files("#file", str(state_file))
    page.click("#import-button")
    page.wait_for_load_state()
    row = page.locator("#versions tbody tr").first.locator("td")
    assert [row.nth(i).inner_text() for i in (2, 3, 4)] == [admin.username, "import", "2"]  # CT and NY only
    listed = set(page.locator("#entries").inner_text().split())
    assert {"7XYZ890", "KID2026"} <= listed and "AB123456" not in listed  # the CA plate left out by the filter
    fits(page, shots, "hotlist-2-imported")

    page.goto(server.url + "/hotlists")  # a second list of the same name is refused, the form kept
    page.fill("#name", "Stolen CT")
    page.select_option("#category", "bolo")
    page.click("#create-button")
    assert "already exists" in page.inner_text("#create-error")
    assert page.input_value("#name") == "Stolen CT" and page.input_value("#category") == "bolo"

    page.goto(f"{server.url}/hotlists/{list_id}")
    page.fill("#priority", "1")
    page.check("#covert")
    page.select_option("#alert_colour", "purple")
    page.click("#settings-button")
    page.wait_for_selector("#notice")
    change = "priority 2 → 1; covert no → yes; alert colour red → purple"
    assert page.inner_text("#notice") == f"Settings changed: {change}"
    row = page.locator("#versions tbody tr").first.locator("td")
    assert [row.nth(i).inner_text() for i in (2, 3, 5)] == [admin.username, "settings", change]  # the audit trail
    fits(page, shots, "hotlist-3-settings-changed")
    with Actors(server).client(Role.ADMINISTRATOR) as api:  # what the API (and the CLI's `lists`) now say
        (listed,) = [h for h in api.get("/api/v1/hotlists").json() if h["id"] == list_id]
    assert (listed["priority"], listed["covert"], listed["alert_colour"]) == (1, True, "purple")

    page.fill("#reason", "replaced by the state's daily file")
    page.click("#retire-button")
    page.wait_for_selector("#retired")
    assert page.locator("#settings-form").count() == 0 and page.locator("#retire-form").count() == 0
    row = page.locator("#versions tbody tr").first.locator("td")
    assert [row.nth(i).inner_text() for i in (2, 3, 4)] == [admin.username, "retire", "0"]
    assert "replaced by the state's daily file" in row.nth(5).inner_text()
    page.goto(server.url + "/hotlists")
    assert "(retired)" in page.inner_text("#hotlists")
    with server.db() as db:
        assert list_id not in hotlists.snapshot(db).lists  # units and the server's matcher no longer hold it
        events = db.scalars(select(SecurityEvent.event).where(SecurityEvent.username == admin.username)).all()
    assert {"hotlist_settings", "hotlist_retired"} <= set(events)
    context.close()
