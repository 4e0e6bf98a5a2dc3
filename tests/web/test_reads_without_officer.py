"""Order V.E.8a in a real browser, on a unit agent talking to a real server: before the shift the unit's screen says
nobody is logged on and that its reads are marked so; the officer's log-on on the screen brings the hot list
dispatch changed meanwhile; and an investigator's search and read pages on the server mark the read taken while
nobody was logged on and name the officer of the one taken during the shift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from platewatch.engine.pipeline import Pipeline
from platewatch.server.reads.models import Read
from platewatch.unit.agent import UnitAgent
from platewatch.unit.alert_book import AlertBook
from platewatch.unit.attendance import Attendance
from platewatch.unit.outbox import Outbox
from platewatch.unit.screen import agent_screen
from platewatch.unit.sources import video_frames
from platewatch.unit.sync import ServerSync
from tests.engine.conftest import write_approach_video
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer, free_port
from tests.web.test_pages import open_as
from tests.web.test_unit_screen import log_on, wait_for

pytestmark = pytest.mark.browser


def test_reads_without_an_officer_are_marked_and_log_on_brings_the_hot_list(
    server: LiveServer, browser: Any, tmp_path: Path, shots: Path
) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    officer, investigator = server.add_person(Role.OFFICER), server.add_person(Role.INVESTIGATOR)
    token = server.add_unit("car-12")
    video = write_approach_video(tmp_path / "patrol.avi", "5HX2290")
    pipeline = Pipeline.default()
    db = tmp_path / "unit.db"
    t0 = server.clock.now
    with (
        Outbox(db) as box,
        AlertBook(db) as book,
        ServerSync(db, server.url, token, upload_every=0.2, hotlist_every=3600, book=book) as sync,
    ):
        attendance = Attendance(lambda: book.officer() is not None)
        screen = agent_screen(f"127.0.0.1:{free_port()}", book, sync, server.url, token, clock=server.clock,
                              attendance=attendance)  # fmt: skip
        first = sync.wait_for_hotlist()
        assert first is not None

        def drive_past(start: dt.datetime) -> None:
            agent = UnitAgent(pipeline, box, "front", start, sync.hotlist, attendance=attendance)
            for frame in video_frames(video):
                agent.process(frame)
            agent.finish()

        with screen:
            drive_past(t0 - dt.timedelta(minutes=30))  # the car is on the road before anyone logged on
            context = browser.new_context()
            page = context.new_page()
            page.goto(screen.url)
            without = page.locator("#without-officer")
            without.wait_for()
            wait_for(lambda: "(1 read since" in without.inner_text(), page, "the screen to count the read")
            assert "Nobody is logged on: the reads this unit takes are marked as taken with no officer" in (
                without.inner_text()
            )
            assert page.inner_text("#hotlist").startswith(f"Hot list v{first.version}")
            page.screenshot(path=str(shots / "unit-nobody-logged-on.png"), full_page=True)

            # Dispatch lists a car before the shift; the unit's periodic check is an hour away.
            with actors.client(Role.ADMINISTRATOR) as c:
                entry = {"purpose": "robbery suspect vehicle, case 2026-3001", "plate": "8TRK455"}
                assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
            log_on(page, server, officer)
            page.wait_for_selector(f"#officer:has-text('{officer.username}')")
            without.wait_for(state="hidden")
            wait_for(lambda: sync.hotlist is not None and sync.hotlist.version > first.version, page, "the new list")
            newer = sync.hotlist.version if sync.hotlist else None
            wait_for(lambda: page.inner_text("#hotlist").startswith(f"Hot list v{newer}"), page, "the list shown")

            server.clock.advance(minutes=5)
            drive_past(t0 + dt.timedelta(minutes=1))  # during the shift
            wait_for(lambda: server.count(Read) == 2, page, "both reads to reach the server")
            context.close()

    context, page = open_as(browser, server, investigator, "/search")
    page.fill("#plate", "5HX2290")
    page.fill("#purpose", "audit of unit log-ons")
    page.fill("#case_number", "2026-000881")
    page.click("#search-button")
    page.wait_for_selector("#results")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 2
    assert "OFFICER LOGGED ON" in page.inner_text("#results thead").upper()
    during, before = rows.nth(0), rows.nth(1)  # newest first
    assert officer.username in during.inner_text() and during.locator(".no-officer").count() == 0
    assert before.locator(".no-officer").inner_text() == "none"
    page.screenshot(path=str(shots / "search-no-officer.png"), full_page=True)
    before.locator("a.plate").click()
    page.wait_for_selector("#plate-image")
    assert page.inner_text("#officer") == "none: taken with no officer logged on to the unit"
    page.go_back()
    page.wait_for_selector("#results")
    page.locator("#results tbody tr").nth(0).locator("a.plate").click()
    page.wait_for_selector("#plate-image")
    assert page.inner_text("#officer") == officer.username
    context.close()
