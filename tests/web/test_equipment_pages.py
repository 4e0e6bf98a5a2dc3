"""The equipment pages in a real browser: equipment staff record a camera with its service interval, an officer
reports it damaged, the staff see it, mark it seen at the physical inventory and record its cleaning."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def test_a_camera_is_recorded_reported_damaged_and_seen(server: LiveServer, browser: Any, shots: Path) -> None:
    server.add_unit("car-12")
    staff, officer = server.add_person(Role.EQUIPMENT), server.add_person(Role.OFFICER)
    context, page = open_as(browser, server, staff, "/equipment")
    page.fill("#serial", "ELS-4471")
    page.select_option("#kind", "camera")
    page.fill("#unit", "car-12")
    page.fill("#maintain_every_days", "90")  # the manufacturer's cleaning interval
    page.click("#add-button")
    page.wait_for_selector("#equipment .serial")
    row = page.locator("#equipment tbody tr").first
    assert row.locator(".serial").inner_text() == "ELS-4471" and "car-12" in row.inner_text()
    assert "due" in row.locator(".seen").inner_text()  # never seen at a physical inventory
    page.fill("#serial", "ELS-4471")
    page.click("#add-button")  # the same serial twice: refused, with the reason
    assert "already in the inventory" in page.inner_text("[role=alert]")
    context.close()

    context, page = open_as(browser, server, officer, "/equipment/damage")
    page.fill("#serial", "ELS-4471")
    page.fill("#description", "lens cracked by a stone on Route 123")
    page.click("#damage-button")
    page.wait_for_selector("#done")
    assert "ELS-4471" in page.inner_text("#done")
    page.goto(server.url + "/equipment")
    assert "may not" in page.inner_text("[role=alert]")  # the inventory itself is the equipment staff's
    context.close()

    context, page = open_as(browser, server, staff, "/equipment")
    row = page.locator("#equipment tbody tr").first
    assert row.locator(".status").inner_text() == "damaged"
    row.locator(".seen button").click()
    page.wait_for_url("**/equipment")
    seen = page.locator("#equipment tbody tr .seen").first.inner_text()
    assert "due" not in seen and seen.startswith(str(server.clock.now.date()))
    service = page.locator("#equipment tbody tr .service").first
    assert service.inner_text().startswith("never, every 90 days") and "due" not in service.inner_text()
    service.locator("input[name=note]").fill("lens replaced and cleaned")
    service.locator("button").click()
    page.wait_for_url("**/equipment")
    assert (
        page.locator("#equipment tbody tr .service")
        .first.inner_text()
        .startswith(f"{server.clock.now.date()}, every 90 days")
    )
    page.screenshot(path=str(shots / "equipment.png"), full_page=True)
    context.close()


def test_a_piece_not_found_is_recorded_missing_and_the_years_reconciliation_downloads(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    staff = server.add_person(Role.EQUIPMENT)
    context, page = open_as(browser, server, staff, "/equipment")
    for serial in ("MDC-31", "CAM-32"):
        page.fill("#serial", serial)
        page.fill("#location", "town garage")
        page.click("#add-button")
        page.wait_for_selector(f"#equipment td.serial:text-is('{serial}')")
    row = page.locator("#equipment tbody tr", has_text="MDC-31")
    row.locator(".status-form select").select_option("missing")
    row.locator(".status-form input[name=note]").fill("not in car 9 at the annual check")
    row.locator(".status-form button").click()
    page.wait_for_url("**/equipment")
    assert page.locator("#equipment tbody tr", has_text="MDC-31").locator(".status").inner_text() == "missing"
    cam = page.locator("#equipment tbody tr", has_text="CAM-32")
    cam.locator(".seen button").click()
    page.wait_for_url("**/equipment")
    with page.expect_download() as download:
        page.click("#reconciliation-pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
    lines = text.splitlines()
    assert "missing" in next(x for x in lines if x.startswith("MDC-31"))
    assert "checked" in next(x for x in lines if x.startswith("CAM-32"))
    assert download.value.suggested_filename == f"equipment-reconciliation-{server.clock.now.year}.pdf"
    page.screenshot(path=str(shots / "equipment-reconciliation.png"), full_page=True)
    context.close()
