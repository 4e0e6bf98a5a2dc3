"""Order V.E.8a against a real server on 127.0.0.1: the officer logs onto the unit at the start of the shift, which
brings the unit the current hot list at once (not at its next periodic check), and the reads the unit takes while
nobody is logged on are marked so: on the unit's screen, and on the server's reads as the search API gives them."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

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
from tests.support.live_server import CLIENT_TIMEOUT, LiveServer, Person, free_port
from tests.unit.test_screen import token_of

PURPOSE = {"purpose": "audit of unit log-ons", "case_number": "2026-000881"}


def wait_until(check: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def log_on(page: httpx.Client, server: LiveServer, officer: Person) -> dict[str, Any]:
    """The officer's log-on on the unit's screen, with the server's credentials (as the page's form posts it)."""
    answer = page.post(
        "/api/logon",
        json={"username": officer.username, "password": officer.password, "otp": server.totp(officer)},
        headers={"X-Screen-Token": token_of(page)},
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_logging_on_brings_the_unit_the_current_hot_list(server: LiveServer, tmp_path: Path) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    officer, token = server.add_person(Role.OFFICER), server.add_unit("car-12")
    server.assign(token, officer)
    db = tmp_path / "unit.db"
    with (
        Outbox(db),
        AlertBook(db) as book,
        ServerSync(db, server.url, token, upload_every=3600, hotlist_every=3600, book=book) as sync,  # no timer
        agent_screen(f"127.0.0.1:{free_port()}", book, sync, server.url, token) as screen,
        httpx.Client(base_url=screen.url, timeout=CLIENT_TIMEOUT) as page,
    ):
        first = sync.wait_for_hotlist()
        assert first is not None and first.index.size == 0
        # Before the shift, dispatch lists a car; the unit's next periodic check is an hour away.
        with actors.client(Role.ADMINISTRATOR) as c:
            entry = {"purpose": "robbery suspect vehicle, case 2026-3001", "plate": "8TRK455"}
            assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
        assert sync.hotlist is first  # nothing asked the server yet

        shift = log_on(page, server, officer)

        assert shift["username"] == officer.username
        wait_until(lambda: sync.hotlist is not None and sync.hotlist.version > first.version, "the new hot list")
        assert sync.hotlist is not None and sync.hotlist.index.size == 1
        state = page.get("/api/state").json()
        assert state["hotlist"]["version"] == sync.hotlist.version and state["officer"]["shift"] == shift["shift"]


def test_reads_taken_while_nobody_is_logged_on_are_marked_so(server: LiveServer, tmp_path: Path) -> None:
    # A car is read before the officer logs on, one during the shift and one after the log-off. The unit's screen
    # counts the two taken with nobody logged on; the server names the officer of the one taken during the shift
    # and marks the other two as taken with no officer logged on, in its search and in the read's own view.
    officer, investigator = server.add_person(Role.OFFICER), server.add_person(Role.INVESTIGATOR)
    token = server.add_unit("car-12")
    server.assign(token, officer)
    video = write_approach_video(tmp_path / "patrol.avi", "5HX2290")
    pipeline = Pipeline.default()
    db = tmp_path / "unit.db"
    t0 = server.clock.now
    with (
        Outbox(db) as box,
        AlertBook(db) as book,
        ServerSync(db, server.url, token, upload_every=0.2, book=book) as sync,
    ):
        attendance = Attendance(lambda: book.officer() is not None)
        screen = agent_screen(f"127.0.0.1:{free_port()}", book, sync, server.url, token, clock=server.clock,
                              attendance=attendance)  # fmt: skip
        assert sync.wait_for_hotlist() is not None

        def drive_past(start: dt.datetime) -> str:
            agent = UnitAgent(pipeline, box, "front", start, sync.hotlist, attendance=attendance)
            for frame in video_frames(video):
                agent.process(frame)
            (vehicle_pass,) = agent.finish()
            return str(vehicle_pass.pass_id)

        with screen, httpx.Client(base_url=screen.url, timeout=CLIENT_TIMEOUT) as page:
            before = drive_past(t0 - dt.timedelta(minutes=30))
            state = page.get("/api/state").json()
            assert state["officer"] is None and state["without_officer"] == {"reads": 1}

            log_on(page, server, officer)  # the server opens the shift at t0
            server.clock.advance(minutes=5)
            during = drive_past(t0 + dt.timedelta(minutes=1))
            assert page.get("/api/state").json()["without_officer"] == {"reads": 1}  # not counted: logged on

            answer = page.post("/api/logoff", headers={"X-Screen-Token": token_of(page)})
            assert answer.json() == {"logged_off": officer.username, "server_told": True}  # at t0 + 5 min
            server.clock.advance(minutes=5)
            after = drive_past(t0 + dt.timedelta(minutes=6))
            assert page.get("/api/state").json()["without_officer"] == {"reads": 2}
        wait_until(lambda: server.count(Read) == 3, "the three reads to reach the server")

    with server.client(server.login(investigator)) as c:
        found = c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "5HX2290"})
        assert found.status_code == 200, found.text
        by_id = {r["id"]: r["officer_on_shift"] for r in found.json()["reads"]}
        assert by_id == {before: None, during: officer.username, after: None}
        seq = found.json()["query_log_seq"]
        for read_id, expected in by_id.items():
            view = c.get(f"/api/v1/reads/{read_id}", params={"context": seq})
            assert view.status_code == 200 and view.json()["officer_on_shift"] == expected
