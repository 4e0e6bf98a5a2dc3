"""Deleting a retired hot list on its page, at the car computer's and the office's screen sizes: refused with the
order's reason while a kept alert and read refer to it, done once the purge has removed them (issue 24, item 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.alerts.models import Alert
from platewatch.server.hotlists.models import HotList
from tests.server.test_hotlist_deletion import ENTRY, retire
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.server.test_retention import run_purge
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_layout import OVERFLOW
from tests.web.test_pages import log_in

pytestmark = pytest.mark.browser

SIZES = ((1024, 768), (1366, 768))


def fits(page: Any, shots: Path, name: str) -> None:
    """A screenshot at each size, and nothing past the right edge at either."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"{name}-{width}x{height}.png"), full_page=True)
        found = page.evaluate(OVERFLOW)
        assert found["scroll"] <= found["inner"] and not found["past"], (name, width, found)


def test_a_retired_list_is_deleted_on_its_page_once_nothing_kept_refers_to_it(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.SUPERVISOR) as c:
        added = c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=ENTRY)
    assert added.status_code == 201, added.text
    version = added.json()["version"]["id"]
    ingest(server, server.add_unit("car-12"), read_payload("ABC1234", server.clock.now, hotlist_version=version))
    assert server.count(Alert) == 1
    retire(server, bolo["id"])

    admin = server.add_person(Role.ADMINISTRATOR)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, server, admin, f"/hotlists/{bolo['id']}")
    page.wait_for_selector("#delete-form")
    with page.expect_response(f"**/hotlists/{bolo['id']}/delete") as answer:
        page.click("#delete-button")
    assert answer.value.status == 409
    refusal = page.inner_text("#delete-error")
    assert "'BOLO' must be kept: 1 kept alert(s) name its entries; 1 kept read(s)" in refusal and "V.D.3" in refusal
    assert page.locator("#versions tbody tr").count() == 3  # nothing was deleted
    fits(page, shots, "hotlist-delete-refused")
    context.close()

    server.clock.advance(days=15)  # the read and its alert pass the retention period; the purge removes them
    run_purge(server)
    assert server.count(Alert) == 0
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, server, admin, f"/hotlists/{bolo['id']}")
    page.wait_for_selector("#delete-form")
    page.click("#delete-button")
    page.wait_for_selector("#notice")
    assert page.inner_text("#notice") == "Hot list 'BOLO' deleted with its 1 version(s)"
    assert "Create one below" in page.inner_text("#no-lists")  # the empty page says what to do next
    fits(page, shots, "hotlist-deleted")
    assert page.goto(f"{server.url}/hotlists/{bolo['id']}").status == 404
    context.close()
    with server.db() as db:
        assert db.get(HotList, bolo["id"]) is None
        events = db.scalars(
            select(SecurityEvent.outcome).where(
                SecurityEvent.event == "hotlist_deleted", SecurityEvent.username == admin.username
            )
        ).all()
    assert events == ["failure", "success"]  # the refusal and the deletion, in the audit trail
