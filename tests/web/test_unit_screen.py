"""The officer's alert screen in a real browser, on a unit agent talking to a real server: a listed car passes the
camera, the screen shows its plate image and sounds, the officer logs on with the server's credentials and
accepts, and the server's alert queue shows the officer's decision for dispatch to confirm (order V.E.4-8)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.engine.pipeline import Pipeline
from platewatch.server.alerts.models import Alert
from platewatch.unit.agent import UnitAgent
from platewatch.unit.alert_book import AlertBook
from platewatch.unit.gps_feed import GpsFeed
from platewatch.unit.outbox import Outbox
from platewatch.unit.screen import agent_screen
from platewatch.unit.sources import video_frames
from platewatch.unit.sync import ServerSync
from tests.engine.conftest import write_approach_video
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer, Person, free_port
from tests.support.small_disk import small_disk
from tests.unit.test_alert_book import raised
from tests.unit.test_gps import NORTH_10
from tests.unit.test_gps_feed import serve_nmea, wait_for_fix

pytestmark = pytest.mark.browser


@contextmanager
def unit_on_patrol(server: LiveServer, browser: Any, tmp_path: Path) -> Iterator[tuple[Any, AlertBook]]:
    """A unit agent as `platewatch unit run` composes it (outbox, alert book, server sync, screen) that has just
    seen a stolen car (6ZR4117, on the server's hot list) approach its camera; its screen open in a browser."""
    list_stolen(server, "6ZR4117")
    video = write_approach_video(tmp_path / "patrol.avi", "6ZR4117")
    token = server.add_unit("car-12")
    db = tmp_path / "unit.db"
    with (
        Outbox(db) as box,
        AlertBook(db) as book,
        ServerSync(db, server.url, token, upload_every=0.5, book=book) as sync,
        agent_screen(f"127.0.0.1:{free_port()}", book, sync, server.url, token) as screen,
    ):
        hotlist = sync.wait_for_hotlist()
        assert hotlist is not None and hotlist.index.size == 1
        start = server.clock.now - dt.timedelta(minutes=1)
        agent = UnitAgent(Pipeline.default(), box, "front", start, hotlist, on_hit=book.add)
        for frame in video_frames(video):
            agent.process(frame)
        agent.finish()
        context = browser.new_context()
        page = context.new_page()
        page.goto(screen.url)
        yield page, book
        context.close()


@contextmanager
def screen_page(
    server: LiveServer, browser: Any, token: str, db: Path, **screen: Any
) -> Iterator[tuple[Any, AlertBook]]:
    """A unit's alert book, server link and screen (with `screen`'s options: its clock, its GPS feed), the screen
    open in a browser once it shows the server's state."""
    with (
        AlertBook(db) as book,
        ServerSync(db, server.url, token, book=book) as sync,
        agent_screen(f"127.0.0.1:{free_port()}", book, sync, server.url, token, **screen) as shown,
    ):
        assert sync.wait_for_hotlist() is not None and sync.server_time is not None
        context = browser.new_context()
        page = context.new_page()
        page.goto(shown.url)
        page.wait_for_selector("#server:has-text('waiting for the server')")  # the state has been shown
        yield page, book
        context.close()


def list_stolen(server: LiveServer, plate: str) -> None:
    actors = Actors(server)
    stolen = make_list(actors, name="Stolen", source="manual", category="stolen_vehicle")
    entry = {"purpose": "stolen vehicle, case 2026-2210", "plate": plate, "category": "stolen_vehicle"}
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/hotlists/{stolen['id']}/entries", json=entry).status_code == 201


def log_on(
    page: Any, server: LiveServer, officer: Person, password: str | None = None, unit: str | None = "car-12"
) -> None:
    """The officer's log-on at the start of the shift, on the unit's screen, with the server's credentials; assigned
    to `unit` first (order V.E.2a) unless it is None."""
    if unit is not None:
        server.assign(unit, officer)
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", password or officer.password)
    page.fill("input[name=otp]", server.totp(officer) or "")
    page.click("form#logon button")


def server_alert(server: LiveServer, plate: str) -> Alert | None:
    with server.db() as db:
        return db.scalars(select(Alert).where(Alert.matched_text == plate)).first()


def wait_for(check: Any, page: Any, what: str, seconds: float = 15.0) -> Any:
    for _ in range(int(seconds * 4)):
        value = check()
        if value:
            return value
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_officer_sees_hears_and_accepts_a_hit(
    server: LiveServer, browser: Any, tmp_path: Path, shots: Path
) -> None:
    officer = server.add_person(Role.OFFICER)
    with unit_on_patrol(server, browser, tmp_path) as (page, _):
        card = page.locator("article.alert")
        card.wait_for()
        assert "READ 6ZR4117" in card.inner_text() and "Stolen: stolen vehicle" in card.inner_text()
        assert "COLLECT/NCIC" in card.inner_text()
        assert page.evaluate("window.platewatchAlarms") == ["alarm"]  # sounded once
        # The plate image loads (polled from here: the screen's CSP forbids the eval wait_for_function polls with).
        for _ in range(200):
            if page.evaluate("document.querySelector('article.alert img').naturalWidth") > 20:
                break
            page.wait_for_timeout(50)
        else:
            raise AssertionError("the alert's plate image did not load")
        assert card.locator("button.accept").is_disabled()  # nobody logged on yet

        log_on(page, server, officer, "wrong password")
        page.wait_for_selector("#message.bad")
        assert "wrong username, password or code" in page.inner_text("#message")

        assert page.locator("form#logon").is_visible()
        log_on(page, server, officer)
        page.wait_for_selector(f"#officer:has-text('{officer.username}')")
        page.locator("form#logon").wait_for(state="hidden")  # logged on: the form is gone from the screen
        assert page.locator("#logoff").is_visible()
        page.screenshot(path=str(shots / "unit-screen-alert.png"), full_page=True)
        card.locator("button.accept").click()
        page.wait_for_selector("article.alert", state="detached")
        row = page.locator("#decided tr").first
        assert "accepted" in row.inner_text() and officer.username in row.inner_text()
        wait_for(lambda: "waiting" not in row.inner_text(), page, "the decision to reach the server")
        assert "sent" in row.inner_text(), row.inner_text()
        alert = server_alert(server, "6ZR4117")
        assert alert is not None
        assert (alert.status, alert.decided_by) == ("accepted", officer.username)
        assert page.evaluate("window.platewatchAlarms") == ["alarm"]  # no second alarm for the same car


def test_a_rejection_with_its_reason_reaches_the_server(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    officer = server.add_person(Role.OFFICER)
    with unit_on_patrol(server, browser, tmp_path) as (page, book):
        log_on(page, server, officer)
        card = page.locator("article.alert")
        card.wait_for()
        card.locator(".keys button.reject").click()
        card.locator("button[data-reason=other]").click()  # 'other' needs a note: refused, nothing sent
        page.wait_for_selector("#message.bad")
        assert "needs a note" in page.inner_text("#message") and book.counts()["waiting"] == 0
        card.locator("input[name=note]").fill("plate cover, cannot compare")
        card.locator("button[data-reason=other]").click()
        page.wait_for_selector("article.alert", state="detached")
        wait_for(lambda: "sent" in page.locator("#decided tr").first.inner_text(), page, "the rejection to be sent")
        alert = server_alert(server, "6ZR4117")
        assert alert is not None
        assert (alert.status, alert.reject_reason, alert.reject_note) == (
            "rejected",
            "other",
            "plate cover, cannot compare",
        )
        page.click("#logoff")
        page.wait_for_selector("form#logon:not([hidden])")
        assert book.officer() is None


def test_the_screen_says_when_the_server_ended_the_shift(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    officer = server.add_person(Role.OFFICER)
    with unit_on_patrol(server, browser, tmp_path) as (page, book):
        log_on(page, server, officer)
        page.wait_for_selector(f"#officer:has-text('{officer.username}')")
        assert page.locator("#shift-notice").is_hidden()
        with Actors(server).client(Role.ADMINISTRATOR) as admin:  # the officer's role changes during the patrol
            assert admin.post(f"/api/v1/users/{officer.username}/role", json={"role": "auditor"}).status_code == 200
        page.wait_for_selector("#shift-notice:not([hidden])", timeout=20_000)
        assert "the officer's role was changed" in page.inner_text("#shift-notice")
        assert page.inner_text("#officer") == "Nobody logged on" and book.officer() is None
        assert page.locator("article.alert button.accept").is_disabled()  # the alert waits for the next officer


def test_the_screen_warns_when_the_units_clock_is_off(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    # Reads are evidence stamped by the unit's clock: the officer sees when it is minutes off the server's.
    token = server.add_unit("car-14")
    for behind, warning in ((dt.timedelta(minutes=3), True), (dt.timedelta(0), False)):
        clock = lambda behind=behind: dt.datetime.now(dt.UTC) - behind  # noqa: E731
        with screen_page(server, browser, token, tmp_path / "unit.db", clock=clock) as (page, _):
            if warning:
                said = page.inner_text("#clock")  # the server's Date header is whole seconds, updated each second
                assert re.fullmatch(
                    r"This unit's clock is (3 min|2 min 5\d s) behind the server's: reads are stamped with it; tell IT",
                    said,
                ), said
            else:
                assert page.locator("#clock").is_hidden()


def test_the_screen_says_when_the_gps_gives_no_fix(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    # A read with no fix has no location: the officer sees when the receiver stopped giving fixes (a dead cable, the
    # router's feed down), so that IT is called before a shift of reads without places.
    token = server.add_unit("car-17")
    port, receiver = serve_nmea([NORTH_10], connections=1)  # one fix, then the receiver hangs up
    feed = GpsFeed(f"tcp://127.0.0.1:{port}", reconnect_s=30).start()
    unit_time = {"ahead": dt.timedelta(0)}
    try:
        wait_for_fix(feed, 10.0)
        clock = lambda: dt.datetime.now(dt.UTC) + unit_time["ahead"]  # noqa: E731
        with screen_page(server, browser, token, tmp_path / "unit.db", gps=feed, clock=clock) as (page, _):
            assert page.locator("#gps").is_hidden()  # a fix a moment ago
            unit_time["ahead"] = dt.timedelta(minutes=3)  # three minutes on, no fix came
            page.wait_for_selector("#gps:has-text('No GPS fix for 3 min')")
            assert page.inner_text("#gps").endswith(": reads have no location; tell IT")
    finally:
        feed.close()
        receiver.join(timeout=5)


def test_a_full_disk_is_named_and_its_alert_still_shown(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    # An outage filled the car computer's disk: the alert the disk refused is on the screen all the same, and the
    # screen tells the officer why reads are no longer kept (and, before that, that the disk was nearly full).
    token = server.add_unit("car-16")
    with small_disk(tmp_path) as disk, screen_page(server, browser, token, disk.path / "unit.db") as (page, book):
        said = page.inner_text("#disk")  # a 4 MiB disk: nearly full from the start
        assert re.fullmatch(
            r"This unit's disk is nearly full \([34] MiB free\): reads will soon be lost; tell IT", said
        ), said
        disk.fill()
        book.add(raised("6ZR4117"))
        page.wait_for_selector("article.alert")
        assert "6ZR4117" in page.inner_text("article.alert")
        assert page.inner_text("#disk") == (
            "This unit's disk is full: 1 alert is kept in memory only, and reads are not being stored; tell IT"
        )
        disk.free()  # IT made room: the alert is written, and the warning is the first one again
        page.wait_for_selector("#disk:has-text('nearly full')")
        assert book.counts()["unsaved"] == 0


def test_the_screen_says_its_alarm_is_silent_until_a_tap(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    # A browser plays sound only after a tap or key press on the page: a screen reopened on a logged-on shift (a
    # restart of the car's computer) would alarm silently. It says so, and the first tap anywhere turns sound on.
    token = server.add_unit("car-15")
    db = tmp_path / "unit.db"
    with (
        AlertBook(db) as book,
        ServerSync(db, server.url, token, book=book) as sync,
        agent_screen(f"127.0.0.1:{free_port()}", book, sync, server.url, token) as screen,
    ):
        context = browser.new_context()
        page = context.new_page()
        page.goto(screen.url)
        sound = page.locator("#sound")
        sound.wait_for()  # the page's own script runs under its Content-Security-Policy
        policy = page.evaluate("fetch('/').then(r => r.headers.get('content-security-policy'))")
        assert "script-src 'self' 'nonce-" in policy
        assert sound.inner_text() == "Alarm sound is off: tap here to turn it on"
        assert page.evaluate("audio.state") == "suspended"  # the browser's own rule, not the page's
        page.click("#officer")  # any tap on the screen
        sound.wait_for(state="hidden")
        assert page.evaluate("audio.state") == "running"
        page.reload()  # opened again: silent again until a tap
        sound.wait_for()
        page.keyboard.press("Tab")
        sound.wait_for(state="hidden")
        context.close()


def test_before_any_hot_list_the_screen_says_there_is_none(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    # A new department's first unit: the server has no hot list yet (version 0), which has no age to give.
    token = server.add_unit("car-18")
    with screen_page(server, browser, token, tmp_path / "unit.db") as (page, _):
        said = page.inner_text("#hotlist")
        assert said == "No hot list yet: the server has none, so no plate can hit", said
        assert " h old" not in page.inner_text("header")


def test_the_same_car_again_is_counted_on_its_alert_with_no_second_alarm(
    server: LiveServer, browser: Any, tmp_path: Path, shots: Path
) -> None:
    # Issue 24: the car passes the unit again and again; the screen keeps one alert, which sounded once, and shows
    # the passes counted on it with their times and places (ADR 0012).
    token = server.add_unit("car-17")
    first = raised("6ZR4117", at=server.clock.now - dt.timedelta(minutes=6), latitude=41.1468, longitude=-73.4948)
    with screen_page(server, browser, token, tmp_path / "unit.db") as (page, book):
        book.add(first)
        card = page.locator(f"article.alert[data-alert='{first.id}']")
        card.wait_for()
        assert page.evaluate("window.platewatchAlarms") == ["alarm"]
        for m in (1, 2):
            again = raised("6ZR4117", at=first.raised_at + m * dt.timedelta(minutes=1), latitude=41.1468 + m / 1000,
                           longitude=-73.4948)  # fmt: skip
            assert book.add(again) == str(first.id)
        page.wait_for_selector(f"article.alert[data-alert='{first.id}'] .repeats:has-text('Seen again 2 times')")
        said = card.locator(".repeats").inner_text()
        assert "not alerted again" in said and "41.14780, -73.49480" in said and "41.14880, -73.49480" in said
        assert page.locator("article.alert").count() == 1 and page.inner_text("#pending-title") == "1 alert to decide"
        assert page.evaluate("window.platewatchAlarms") == ["alarm"]  # no second alarm for the same car
        page.screenshot(path=str(shots / "unit-screen-repeats.png"), full_page=True)
