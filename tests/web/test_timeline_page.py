"""A plate's timeline in a real browser (issue 24, item 8): from a read's page, an investigator opens the plate's
reads in time order with their places and alarms, and the path between them on a map; the view is in the query log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.querylog.models import QueryLogEntry
from tests.support.live_server import LiveServer, read_payload
from tests.web.fits import fits
from tests.web.test_pages import log_in

pytestmark = pytest.mark.browser


def test_an_investigator_follows_a_plate_through_its_reads_in_time_order(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    now = server.clock.now
    car12, car7 = server.add_unit("car-12"), server.add_unit("car-7")
    passes = [  # out of order on purpose, from two units; one without a position
        (car7, now - dt.timedelta(hours=2), 41.1500, -73.4900),
        (car12, now - dt.timedelta(hours=5), 41.1400, -73.5000),
        (car12, now - dt.timedelta(hours=1), None, None),
        (car7, now - dt.timedelta(hours=3), 41.1450, -73.4950),
    ]
    sent = []
    for i, (unit, at, lat, lon) in enumerate(passes):
        read = read_payload("8TRK455", at, lat=lat, lon=lon, seed=i)
        sent.append(read)
        with server.client(unit) as c:
            assert (
                c.post("/api/v1/reads", json={"reads": [read, read_payload("OTHER01", at, seed=9 + i)]}).status_code
                == 200
            )
    investigator = server.add_person(Role.INVESTIGATOR)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, server, investigator, "/search")
    page.fill("#plate", "8TRK455")
    page.fill("#purpose", "burglary series, suspect vehicle")
    page.fill("#case_number", "2026-004410")
    page.click("#search-button")
    page.wait_for_selector("#results")
    fits(page, shots, "timeline-1-search-results")
    page.locator("#results a.plate").first.click()
    page.wait_for_selector("#timeline-link")
    page.click("#timeline-link")
    page.wait_for_selector("#timeline")
    page.wait_for_function("window.platewatchTimeline !== undefined")

    expected = sorted(zip(sent, passes, strict=True), key=lambda x: x[1][1])  # oldest first
    rows = page.locator("#timeline tbody tr")
    assert rows.count() == 4
    assert [rows.nth(i).get_attribute("id") for i in range(4)] == [f"read-{r['id']}" for r, _ in expected]
    times = [rows.nth(i).locator("time").get_attribute("datetime") for i in range(4)]
    assert [dt.datetime.fromisoformat(t) for t in times] == [p[1] for _, p in expected]
    assert rows.nth(3).locator(".place").inner_text() == "no position"
    assert page.evaluate("window.platewatchTimeline") == {"points": 3, "path": 3}
    assert page.locator(".leaflet-tooltip.map-count").all_inner_texts() == ["1", "2", "3"]
    assert "OTHER01" not in page.inner_text("#timeline")
    fits(page, shots, "timeline-2-the-plates-reads")

    bad = page.goto(server.url + "/timeline?plate=8TRK*&purpose=burglary+series+suspect&case_number=2026-004410")
    assert bad is not None and bad.status == 400 and "give it exactly" in page.inner_text("[role=alert]")
    context.close()
    with server.db() as db:
        mapped = db.scalars(select(QueryLogEntry).where(QueryLogEntry.action == "map")).all()
    logged = [(e.outcome, e.result_count, e.case_number) for e in mapped]  # the purpose carried over from the read
    assert logged == [("ok", 4, "2026-004410"), ("refused", 0, "2026-004410")]  # and the refused one recorded too
