"""Legal holds in a real browser: an investigator holds a read, or its plate over a period, from a read's page; the
administrator releases a hold."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from platewatch.server.governance.models import LegalHold
from tests.server.test_retention import run_purge, stored
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def read_page(
    server: LiveServer, browser: Any, unit: str, reads: list[dict[str, Any]], purpose: str, case: str, hours: int = 24
) -> tuple[Any, Any]:
    """The unit uploads `reads`; an investigator searches ABC1234 for `purpose` and opens the first read found."""
    with server.client(unit) as c:
        assert c.post("/api/v1/reads", json={"reads": reads}).status_code == 200
    context, page = open_as(browser, server, server.add_person(Role.INVESTIGATOR), "/search")
    page.fill("#plate", "ABC1234")
    page.fill("#hours", str(hours))
    page.fill("#purpose", purpose)
    page.fill("#case_number", case)
    page.click("#search-button")
    page.locator("#results a.plate").first.click()
    page.wait_for_selector("#hold-form")
    return context, page


def test_investigator_holds_a_read_and_the_administrator_releases_it(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    unit = server.add_unit("car-12")
    reads = [read_payload("ABC1234", server.clock.now, seed=1), read_payload("XYZ0001", server.clock.now, seed=2)]
    context, page = read_page(server, browser, unit, reads, "hit-and-run investigation, witness saw the plate",
                              "2026-004411")  # fmt: skip
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


def test_investigator_holds_every_read_of_a_plate_in_a_window_from_a_read_page(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    """A preservation letter names a plate and a period: from one read's page the investigator holds every stored
    read of that plate (look-alike readings too) captured in it; a read of the plate outside the period is not."""
    start = server.clock.now
    unit = server.add_unit("car-12")
    reads = [
        read_payload("ABC1234", start - dt.timedelta(days=3), seed=1),  # before the letter's period
        read_payload("ABC1234", start - dt.timedelta(days=1), seed=2),
        read_payload("ABCI234", start - dt.timedelta(hours=5), seed=3),  # a look-alike reading of the same plate
        read_payload("XYZ0001", start - dt.timedelta(hours=5), seed=4),
    ]
    context, page = read_page(server, browser, unit, reads, "preservation letter of the State's Attorney, 26-CR-14",
                              "2026-004412", hours=96)  # fmt: skip
    page.check("#hold-scope input[value=plate]")
    since = start - dt.timedelta(days=2)
    page.fill("#hold-from", since.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#hold-reason", "preservation letter of the State's Attorney")
    page.screenshot(path=str(shots / "hold-by-plate.png"), full_page=True)
    form = {"read_id": page.locator("#hold-form input[name=read_id]").input_value(), "reason": "letter"}
    bad = page.request.post(
        server.url + (page.locator("#hold-form").get_attribute("action") or ""),
        form={**form, "scope": "plate", "captured_from": "last Tuesday"},
    )
    assert bad.status == 400 and "captured_from: not a date and time" in bad.text()
    assert server.count(LegalHold) == 0
    page.click("#hold-button")
    page.wait_for_url("**/holds*")
    row = page.locator("#holds tbody tr").first
    assert row.locator(".count").inner_text() == "2"
    assert (
        row.locator(".scope")
        .inner_text()
        .startswith(f"plate ABC1234 and its look-alikes, captured from {since:%Y-%m-%d %H:%M} UTC before the hold")
    )
    context.close()
    server.clock.advance(days=15)
    assert run_purge(server).reads_held == 2 and stored(server) == {"ABC1234", "ABCI234"}
