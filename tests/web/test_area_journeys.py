"""Areas in a real browser at the car's and the office's screen sizes (issue 24 item 8, order IV.B.4): an investigator
draws an area on the map, saves it, maps the reads in it and downloads the PDF report of them; the administrator
limits an officer to that area on the People page, and the officer then sees nothing outside it, on the pages or
through the API. No element overflows the screen; screenshots of each step are kept."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from platewatch.domain.geo import in_polygon, parse_polygon
from platewatch.domain.roles import Role
from tests.server.test_hotlists_api import ingest
from tests.support.live_server import PURPOSE, LiveServer, read_payload
from tests.web.test_layout import OVERFLOW
from tests.web.test_pages import log_in

pytestmark = pytest.mark.browser

SIZES = [(1024, 768), (1366, 768)]
CENTRE = (41.15, -73.50)  # the middle of the default map area, where the map opens


def grid_of_reads(server: LiveServer) -> dict[str, tuple[float, float]]:
    """35 reads of the last hour on a grid around the map's centre: plate → (lat, lon)."""
    placed: dict[str, tuple[float, float]] = {}
    payloads = []
    now = server.clock.now
    for i, dy in enumerate((-0.02, -0.008, -0.003, 0.0, 0.003, 0.008, 0.02)):
        for j, dx in enumerate((-0.04, -0.01, 0.0, 0.01, 0.04)):
            plate, lat, lon = f"AR{i}{j}0{i + j}", CENTRE[0] + dy, CENTRE[1] + dx
            placed[plate] = (lat, lon)
            payloads.append(
                read_payload(plate, now - dt.timedelta(minutes=5 * i + j + 1), lat=lat, lon=lon, images=False)
            )
    ingest(server, server.add_unit("car-12"), *payloads)
    return placed


def fits(page: Any, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["inner"] and not found["past"], f"{name}: {found}"


def click_map(page: Any, fx: float, fy: float) -> None:
    """A click at a fraction of the map's width and height."""
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def browser_at(browser: Any, size: tuple[int, int]) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
    return context, context.new_page()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_an_investigator_draws_saves_and_maps_an_area_and_downloads_its_report(
    server: LiveServer, browser: Any, shots: Path, size: tuple[int, int]
) -> None:
    placed = grid_of_reads(server)
    investigator = server.add_person(Role.INVESTIGATOR)
    context, page = browser_at(browser, size)
    log_in(page, server, investigator, "/map")
    page.wait_for_url("**/map")
    page.wait_for_selector("#map.leaflet-container")
    fits(page, shots, f"map-form-{size[0]}")

    # A polygon first: three corners, then Finish.
    page.click("#draw-polygon")
    for fx, fy in ((0.3, 0.3), (0.7, 0.3), (0.5, 0.8)):
        click_map(page, fx, fy)
    page.click("#draw-finish")
    assert len(parse_polygon(page.input_value("#polygon"))) == 3
    assert "3 corners" in page.inner_text("#draw-status")
    # Then the rectangle the investigator keeps: two opposite corners.
    page.click("#draw-clear")
    assert page.input_value("#polygon") == ""
    page.click("#draw-rectangle")
    click_map(page, 0.42, 0.35)
    click_map(page, 0.58, 0.65)
    drawn = parse_polygon(page.input_value("#polygon"))
    assert len(drawn) == 4 and page.input_value("#bbox") == ""
    fits(page, shots, f"map-drawn-{size[0]}")

    page.fill("#save-name", "School zone")
    page.click("#save-area")
    page.wait_for_url("**/map?area=School*")
    assert page.input_value("#area") == "School zone"  # chosen in the form by its name
    page.fill("#purpose", PURPOSE["purpose"])
    page.fill("#case_number", PURPOSE["case_number"])
    page.fill("#bbox", "")
    page.click("#map-button")
    page.wait_for_selector("#summary")
    page.wait_for_load_state("load")  # the summary comes before the map's scripts, which set window.platewatchMap
    expected = sorted(p for p, (lat, lon) in placed.items() if in_polygon(lat, lon, drawn))
    assert 2 <= len(expected) <= len(placed) - 2, expected  # the drawn area cuts the grid
    assert f"{len(expected)} read(s), {len(expected)} with a position" in page.inner_text("#summary")
    assert page.evaluate("window.platewatchMap")["points"] == len(expected)
    fits(page, shots, f"map-area-results-{size[0]}")

    with page.expect_download() as download:
        page.click("#export-pdf")
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert f"{len(expected)} read(s)" in text and "area School zone" in text, text[:400]
    assert sorted(set(re.findall(r"AR\d{4,5}", text))) == expected
    context.close()

    areas_context, areas_page = browser_at(browser, size)
    log_in(areas_page, server, investigator, "/areas")
    areas_page.wait_for_url("**/areas")
    assert "School zone" in areas_page.inner_text("#areas")
    fits(areas_page, shots, f"areas-{size[0]}")
    areas_page.fill("#typed-name", "Lincoln School")  # typed instead of drawn: the keyboard's way
    areas_page.fill("#polygon", "41.151,-73.501;41.151,-73.499;41.149,-73.499;41.149,-73.501")
    areas_page.click("#type-area-form button[type=submit]")
    areas_page.wait_for_url("**/areas?saved=*")
    assert "Area “Lincoln School” saved." in areas_page.inner_text("#saved")
    areas_page.locator("tr", has_text="Lincoln School").locator("button", has_text="Retire").click()
    areas_page.wait_for_url("**/areas")
    assert "Lincoln School" not in areas_page.inner_text("#areas") and "School zone" in areas_page.inner_text("#areas")
    areas_context.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_an_officer_limited_to_an_area_sees_nothing_outside_it(
    server: LiveServer, browser: Any, shots: Path, size: tuple[int, int]
) -> None:
    placed = grid_of_reads(server)
    zone = [(41.145, -73.505), (41.145, -73.495), (41.155, -73.495), (41.155, -73.505)]
    inside = sorted(p for p, (lat, lon) in placed.items() if in_polygon(lat, lon, zone))
    outside = sorted(set(placed) - set(inside))
    assert inside and outside
    supervisor, officer = server.add_person(Role.SUPERVISOR), server.add_person(Role.OFFICER)
    with server.client(server.login(supervisor)) as c:
        area = {"name": "District 3", "polygon": [list(p) for p in zone]}
        assert c.post("/api/v1/areas", json=area).status_code == 201

    admin = server.add_person(Role.ADMINISTRATOR)
    context, page = browser_at(browser, size)
    log_in(page, server, admin, "/people")
    page.wait_for_url("**/people")
    page.select_option("#restrict-username", officer.username)
    page.check("input[name=area][value='District 3']")
    page.fill("#restrict-days", "30")
    page.click("#restrict-button")
    page.wait_for_url("**/people?done=*")
    row = page.inner_text(f"#restricted-{officer.username}")
    assert "District 3" in row and "30 days" in row and admin.username in row
    fits(page, shots, f"people-restriction-{size[0]}")
    context.close()

    context, page = browser_at(browser, size)
    log_in(page, server, officer, "/search")
    page.wait_for_url("**/search")
    page.fill("#bbox", "-90,-180,90,180")
    page.fill("#hours", "48")
    page.fill("#purpose", PURPOSE["purpose"])
    page.fill("#case_number", PURPOSE["case_number"])
    page.click("#search-button")
    page.wait_for_selector("#results")
    shown = sorted(page.locator("#results a.plate").all_inner_texts())
    assert shown == inside
    fits(page, shots, f"restricted-search-{size[0]}")

    api = page.request  # the same session, through the API
    found = api.get(f"{server.url}/api/v1/reads/search", params={**PURPOSE, "bbox": "-90,-180,90,180", "limit": 100})
    assert sorted(r["plate"] for r in found.json()["reads"]) == inside
    for plate in outside[:3]:
        by_plate = api.get(f"{server.url}/api/v1/reads/search", params={**PURPOSE, "plate": plate})
        assert by_plate.json()["reads"] == []
    with server.client(server.login(admin)) as c:  # an id the officer could only have guessed
        every = c.get("/api/v1/reads/search", params={**PURPOSE, "bbox": "-90,-180,90,180", "limit": 100}).json()
    outside_id = next(r["id"] for r in every["reads"] if r["plate"] == outside[0])
    assert api.get(f"{server.url}/api/v1/reads/{outside_id}", params=PURPOSE).status == 404
    page.goto(f"{server.url}/reads/{outside_id}?purpose={PURPOSE['purpose']}&case_number={PURPOSE['case_number']}")
    assert "no read" in page.inner_text("body").lower()
    fits(page, shots, f"restricted-read-outside-{size[0]}")

    page.goto(f"{server.url}/map")
    page.fill("#bbox", "-90,-180,90,180")
    page.fill("#purpose", PURPOSE["purpose"])
    page.fill("#case_number", PURPOSE["case_number"])
    page.click("#map-button")
    page.wait_for_selector("#summary")
    page.wait_for_load_state("load")  # the summary comes before the map's scripts, which set window.platewatchMap
    assert page.evaluate("window.platewatchMap")["points"] == len(inside)
    fits(page, shots, f"restricted-map-{size[0]}")
    context.close()
