"""Legal holds in a real browser: an investigator holds a read from its page; the administrator releases it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.server.test_retention import run_purge, stored
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def test_investigator_holds_a_read_and_the_administrator_releases_it(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    unit = server.add_unit("car-12")
    with server.client(unit) as c:
        reads = [read_payload("ABC1234", server.clock.now, seed=1), read_payload("XYZ0001", server.clock.now, seed=2)]
        assert c.post("/api/v1/reads", json={"reads": reads}).status_code == 200
    investigator = server.add_person(Role.INVESTIGATOR)
    context, page = open_as(browser, server, investigator, "/search")
    page.fill("#plate", "ABC1234")
    page.fill("#purpose", "hit-and-run investigation, witness saw the plate")
    page.fill("#case_number", "2026-004411")
    page.click("#search-button")
    page.locator("#results a.plate").first.click()
    page.wait_for_selector("#hold-form")
    assert page.locator("#hold-form").count() == 1 and page.title() == "Read ABC1234 · New Canaan Police Department"
    page.click("#hold-button")  # no reason yet: the browser asks for one, nothing is sent
    assert "/reads/" in page.url
    page.fill("#hold-reason", "preservation letter from the State's Attorney")
    page.click("#hold-button")
    page.wait_for_url("**/holds*")
    page.screenshot(path=str(shots / "holds.png"), full_page=True)
    row = page.locator("#holds tbody tr").first
    assert "2026-004411" in row.inner_text() and row.locator(".count").inner_text() == "1"
    assert row.locator(".status").inner_text().startswith("active")
    assert row.locator(".scope").inner_text() == "the reads it names"
    assert row.locator("form.release").count() == 0  # investigators place holds; they do not release them
    row.locator("form.evidence input[name=purpose]").fill("evidence for the State's Attorney, subpoena 26-CR-9")
    with page.expect_download() as download:
        row.locator("form.evidence button").click()
    package = download.value
    assert package.suggested_filename.endswith("-evidence.zip")
    with zipfile.ZipFile(package.path()) as z:
        assert "SHA256SUMS" in z.namelist() and json.loads(z.read("manifest.json"))["reads"][0]["plate"] == "ABC1234"
    context.close()

    server.clock.advance(days=15)
    assert run_purge(server).reads_held == 1 and stored(server) == {"ABC1234"}

    admin = server.add_person(Role.ADMINISTRATOR)
    context, page = open_as(browser, server, admin, "/holds")
    row = page.locator("#holds tbody tr").first
    row.locator("input[name=note]").fill("case closed by the State's Attorney")
    row.locator("form.release button").click()
    page.wait_for_url("**/holds*")
    status = page.locator("#holds tbody tr .status").first.inner_text()
    assert status.startswith("released") and "case closed" in status and admin.username in status
    page.screenshot(path=str(shots / "released.png"), full_page=True)
    context.close()
    assert run_purge(server).reads_deleted == 1 and stored(server) == set()
