"""The map of reads and alarms in a real browser: an investigator maps the town's reads of the last day with a
purpose, sees the alarms in red, keeps only the alarms, and opens a read from the map (order IV.B.2)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from platewatch.domain.roles import Role
from platewatch.server.querylog.models import QueryLogEntry
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.server.test_maps import MAIN_STREET, town_with_a_hit
from tests.support.live_server import PURPOSE, LiveServer, read_payload
from tests.web.fits import fits
from tests.web.test_pages import log_in, open_as

pytestmark = pytest.mark.browser


def until(page: Any, condition: str, seconds: float = 10) -> None:
    """Wait for a condition on the page, asked with `evaluate` (the page's CSP refuses `wait_for_function`'s eval)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"waited {seconds} s for {condition}"
        page.wait_for_timeout(50)


SETTLED = """(() => { const map = document.querySelector("#map").getBoundingClientRect();
  return [...document.querySelectorAll("#map svg")].every(s => s.getBoundingClientRect().right <= map.right + 0.5);
})()"""
"""The map's vector layer lies within the map: a pan (a popup's) has ended and the layer was placed anew for it. On a
slow machine the layout check may otherwise catch the layer mid-pan, shifted past the map's edge."""


def shown(page: Any) -> dict[str, int]:
    """What the map drew: reads placed, those with an alarm, and the places they are at."""
    drawn = page.evaluate("window.platewatchMap")
    return {k: drawn[k] for k in ("points", "alarms", "places")}


def test_an_investigator_maps_the_towns_reads_and_opens_an_alarm(server: LiveServer, browser: Any, shots: Path) -> None:
    town_with_a_hit(server)
    investigator = server.add_person(Role.INVESTIGATOR)
    context, page = open_as(browser, server, investigator, "/map")
    assert page.input_value("#bbox") == server.settings.map_area  # the town, by default
    page.fill("#bbox", "41.10,-73.55,41.20,-73.45")
    page.fill("#purpose", PURPOSE["purpose"])
    page.fill("#case_number", PURPOSE["case_number"])
    page.click("#map-button")
    page.wait_for_selector("#map.leaflet-container")  # Leaflet came from the server itself, not a CDN
    assert "3 read(s), 3 with a position, 2 with an alarm" in page.inner_text("#summary")
    assert "this map is recorded for audit" in page.inner_text("#summary")
    assert shown(page) == {"points": 3, "alarms": 2, "places": 3}
    assert page.locator("#map path.leaflet-interactive").count() == 3
    page.screenshot(path=str(shots / "map.png"), full_page=True)

    # A script that reached the page from data (an unescaped hot-list field, say) would not run: only the
    # server's own scripts do (Content-Security-Policy with a nonce).
    refused = page.evaluate(
        """() => new Promise((done) => {
            document.addEventListener("securitypolicyviolation", (e) => done(e.violatedDirective), {once: true});
            setTimeout(() => done("no violation"), 3000);
            const injected = document.createElement("script");
            injected.textContent = "window.injected = true";
            document.body.append(injected);
        })"""
    )
    assert refused.startswith("script-src") and page.evaluate("window.injected === undefined")

    page.check("#alarms-only")
    assert shown(page) == {"points": 2, "alarms": 2, "places": 2}
    page.locator("#map path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    said = popup.inner_text()
    assert "Stolen: stolen vehicle (pending)" in said or "Intel: be on the lookout (pending)" in said, said
    popup.locator("a.plate").click()
    page.wait_for_url("**/reads/**")
    assert "context=" in page.url  # the map's query-log entry authorizes opening its reads
    assert page.locator("h1.plate").inner_text().split()[0] in ("6ZR4117", "SPY007")
    context.close()


def test_a_trailers_reads_at_one_place_share_a_marker_that_lists_them(server: LiveServer, browser: Any) -> None:
    # A portable trailer reads hundreds of cars at one spot: one marker per read would show only the top one.
    town_with_a_hit(server)
    lat, lon = MAIN_STREET[0] + 0.01, MAIN_STREET[1] + 0.01
    now = server.clock.now
    plates = [f"TRL{k:04d}" for k in range(59)] + ["6ZR4117"]  # the stolen car passes last
    at = [now - dt.timedelta(minutes=90 - k) for k in range(len(plates))]
    reads = [read_payload(p, t, lat=lat, lon=lon, images=False) for p, t in zip(plates, at, strict=True)]
    ingest(server, server.add_unit("trailer-3"), *reads)
    context, page = open_as(browser, server, server.add_person(Role.INVESTIGATOR), "/map")
    page.fill("#bbox", "41.10,-73.55,41.20,-73.45")
    page.fill("#purpose", PURPOSE["purpose"])
    page.fill("#case_number", PURPOSE["case_number"])
    page.click("#map-button")
    page.wait_for_selector("#map.leaflet-container")
    assert shown(page) == {"points": 63, "alarms": 3, "places": 4}
    assert page.locator("#map path.leaflet-interactive").count() == 4
    count = page.locator(".leaflet-tooltip.map-count")
    assert count.count() == 1 and count.inner_text() == "60", count.all_inner_texts()
    count.click(force=True)  # the label lets the click through to its marker
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("strong.place").inner_text() == "60 reads here, 1 with an alarm"
    plates_listed = popup.locator("a.plate").all_inner_texts()
    assert plates_listed[:3] == ["6ZR4117", "TRL0058", "TRL0057"]  # the alarm first, then the newest
    assert len(plates_listed) == 50 and "and 10 more: narrow the time window to list them" in popup.inner_text()
    assert "Stolen: stolen vehicle (pending)" in popup.inner_text()
    context.close()


def test_a_marker_names_the_alerts_category_in_words(server: LiveServer, browser: Any) -> None:
    # A BOLO list holds a stolen car: the map says what the alert says ("stolen vehicle"), not the list's "bolo".
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    entry = {"plate": "6ZR4117", "purpose": "case 2026-2210, stolen from Main St", "category": "stolen_vehicle"}
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
    lat, lon = MAIN_STREET
    ingest(server, server.add_unit("car-12"), read_payload("6ZR4117", server.clock.now, lat=lat, lon=lon, images=False))
    investigator = server.add_person(Role.INVESTIGATOR)
    context, page = open_as(browser, server, investigator, "/alerts")
    assert page.locator("#alerts tbody tr .category").first.inner_text() == "stolen vehicle"
    page.goto(server.url + "/map")
    page.fill("#bbox", "41.10,-73.55,41.20,-73.45")
    page.fill("#purpose", PURPOSE["purpose"])
    page.fill("#case_number", PURPOSE["case_number"])
    page.click("#map-button")
    page.wait_for_selector("#map.leaflet-container")
    page.locator("#map path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "BOLO: stolen vehicle (pending)" in popup.inner_text(), popup.inner_text()
    assert "bolo" not in popup.inner_text()
    context.close()


def test_nearby_places_gather_until_zoomed_in_with_a_heat_map_images_and_a_grid_offline(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    """Issue 24 item 8: five places 55 m apart gather into one cluster at the town's zoom and come apart once zoomed
    in; the heat map replaces the markers on request; a popup shows the plate images, fetched only when it opens and
    logged; and with no tile server the background is a labelled grid with the reads' extent dashed."""
    lat, lon = MAIN_STREET
    now = server.clock.now
    near = [read_payload(f"NEAR{k:03d}", now - dt.timedelta(minutes=k + 1), lat=lat, lon=lon + 0.0005 * k, seed=k)
            for k in range(5)]  # fmt: skip
    far = read_payload("FAR0001", now - dt.timedelta(minutes=30), lat=lat + 0.04, lon=lon - 0.04, seed=9)
    ingest(server, server.add_unit("car-12"), *near, far)
    context = browser.new_context(viewport={"width": 1024, "height": 768})  # the car's screen, then the office's
    page = context.new_page()
    log_in(page, server, server.add_person(Role.INVESTIGATOR), "/map")
    page.wait_for_url("**/map")
    page.fill("#bbox", "41.10,-73.55,41.20,-73.45")
    page.fill("#purpose", PURPOSE["purpose"])
    page.fill("#case_number", PURPOSE["case_number"])
    page.click("#map-button")
    page.wait_for_selector("#map.leaflet-container")
    assert shown(page) == {"points": 6, "alarms": 0, "places": 6}
    assert page.evaluate("window.platewatchMap.clusters") == 1
    assert page.locator("#map path.leaflet-interactive").count() == 2  # the cluster and the far place
    # offline: a grid of latitude and longitude, labelled, and the reads' extent dashed; nothing fetched from outside
    assert page.locator("#offline-note").is_visible()
    assert page.evaluate("window.platewatchMap.grid") > 0 and page.locator(".grid-label").count() >= 4
    assert page.locator("#map path[stroke-dasharray]").count() == 1
    fits(page, shots, "map-clustered")
    with server.db() as db:
        images_seen = db.scalar(select(func.count()).where(QueryLogEntry.action == "view_image"))
    assert images_seen == 0  # no image was fetched for a popup nobody opened

    page.locator("#map path.map-cluster").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("strong.cluster").inner_text() == "5 reads at 5 places nearby"
    popup.locator("button.zoom-in").click()
    until(page, "window.platewatchMap.clusters === 0")
    assert page.locator("#map path.leaflet-interactive").count() == 6  # each place its own marker now

    page.locator("#map path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    image = popup.locator("img.crop")
    assert image.count() == 1 and image.get_attribute("alt").startswith("plate image of NEAR")
    until(page, "document.querySelector('.leaflet-popup-content img.crop').naturalWidth > 0")
    until(page, SETTLED)
    fits(page, shots, "map-popup-image")
    with server.db() as db:
        images_seen = db.scalar(select(func.count()).where(QueryLogEntry.action == "view_image"))
    assert images_seen == 1  # the one image shown, under the map's log entry

    page.check("#heat-map")
    assert page.locator("#map path.leaflet-interactive").count() == 0  # the heat map instead of the markers
    assert page.evaluate("window.platewatchMap.heat") >= 1
    painted = page.evaluate(
        """() => { const c = document.querySelector("canvas.heat-map");
                   const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++; return n; }"""
    )
    assert painted > 100
    until(page, SETTLED)
    fits(page, shots, "map-heat")
    page.uncheck("#heat-map")
    assert page.locator("#map path.leaflet-interactive").count() == 6
    context.close()
