"""The unit's link to the server for the officer, against a real server on 127.0.0.1: log-on with the server's
credentials, and decisions that wait for their read, then reach the server's alert queue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.alerts.models import Alert
from platewatch.server.unit_shifts.models import UnitShift
from platewatch.unit.alert_book import AlertBook, AlertBookError
from platewatch.unit.outbox import Outbox
from platewatch.unit.screen import agent_screen
from platewatch.unit.sync import ServerSync
from platewatch.unit.uploader import LogonRefused, ServerError, Uploader, log_off, log_on, server_client
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import CLIENT_TIMEOUT, LiveServer, Person, free_port, read_payload
from tests.unit.test_alert_book import raised


def test_the_officer_logs_on_with_the_servers_credentials(server: LiveServer) -> None:
    officer, auditor = server.add_person(Role.OFFICER), server.add_person(Role.AUDITOR)
    unit = server.add_unit()
    server.assign(unit, officer, auditor)  # the auditor's role is refused all the same
    with server_client(server.url, unit) as client:
        with pytest.raises(LogonRefused, match="wrong username, password or code"):
            log_on(client, officer.username, "not the password", server.totp(officer))
        with pytest.raises(LogonRefused, match="may not take alerts on a unit"):
            log_on(client, auditor.username, auditor.password, server.totp(auditor))
        shift = log_on(client, officer.username, officer.password, server.totp(officer))
        assert (shift.username, shift.role) == (officer.username, "officer")
        assert log_off(client, shift.shift, server.clock.now) is None
        assert "no shift 999" in (log_off(client, 999, server.clock.now) or "")  # done with: nothing to end
    down = server_client(f"http://127.0.0.1:{free_port()}", "pwu_x", timeout=5)
    with down, pytest.raises(ServerError, match="unreachable"):
        log_on(down, officer.username, officer.password, None)


def on_patrol(server: LiveServer) -> tuple[Actors, dict[str, Any], Person, str, dict[str, Any]]:
    """A stolen-vehicle list holding 6ZR4117 (CT), an officer, a unit's token, and the unit's read of that car."""
    actors = Actors(server)
    stolen = make_list(actors, name="Stolen", source="manual", category="stolen_vehicle")
    entry = {"purpose": "stolen vehicle, case 2026-2210", "plate": "6ZR4117", "state": "CT"}
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/hotlists/{stolen['id']}/entries", json=entry).status_code == 201
    read = read_payload("6ZR4117", server.clock.now, state="CT")
    officer, token = server.add_person(Role.OFFICER), server.add_unit()
    server.assign(token, officer)
    return actors, stolen, officer, token, read


def test_decisions_wait_for_their_read_then_reach_the_alert_queue(server: LiveServer, tmp_path: Path) -> None:
    _, stolen, officer, token, read = on_patrol(server)
    db = tmp_path / "unit.db"
    # No repeat window: the garbled copy of the hit (same read, same entry) is an alert of its own here, not a pass
    # counted on the hit (ADR 0012); this test is about decisions the server cannot take.
    with (
        Outbox(db) as box,
        AlertBook(db, repeat_window=dt.timedelta(0)) as book,
        Uploader.connect(box, server.url, token) as uploader,
    ):
        version = uploader.download_hotlist()["version"]
        book.log_on(log_on(uploader.client, officer.username, officer.password, server.totp(officer)))
        hit = raised("6ZR4117", read_id=uuid.UUID(read["id"]), list_id=stolen["id"], hotlist_version=version)
        garbled = dataclasses.replace(hit, id=uuid.uuid4(), match_kind="fuzzy")  # a unit the server cannot read
        for alert in (hit, garbled):
            book.add(alert)
            book.decide(str(alert.id), True, server.clock.now)
        box.put(read)

        assert uploader.send_decisions(book) is None  # the read is not on the server yet: both wait
        assert book.get(str(hit.id)).upload == "waiting"
        assert book.get(str(garbled.id)).upload == "refused"  # 422: set aside with the reason, not retried
        assert "match_kind" in book.get(str(garbled.id)).server_message

        assert uploader.upload().delivered == 1
        assert uploader.send_decisions(book) is None
        assert (book.get(str(hit.id)).upload, book.counts()["waiting"]) == ("done", 0)
    with server.db() as session:
        (alert,) = session.scalars(select(Alert)).all()
    assert (alert.status, alert.decided_by, str(alert.read_id)) == ("accepted", officer.username, read["id"])


def test_a_log_off_made_offline_reaches_the_server_with_its_time(server: LiveServer, tmp_path: Path) -> None:
    officer = server.add_person(Role.OFFICER)
    token = server.add_unit()
    server.assign(token, officer)
    db = tmp_path / "unit.db"
    with AlertBook(db) as book:
        with server_client(server.url, token) as client:
            book.log_on(log_on(client, officer.username, officer.password, server.totp(officer)))
        off = server.clock.now + dt.timedelta(hours=1)
        with Outbox(db) as box, Uploader.connect(box, f"http://127.0.0.1:{free_port()}", token, timeout=5) as down:
            shift = book.log_off(off)  # out of coverage: the unit logs off at once, the server waits
            assert shift is not None
            assert "unreachable" in (down.send_logoffs(book) or "")
        assert book.logoffs_waiting() == [(shift.shift, off)]
        server.clock.advance(hours=2)
        with Outbox(db) as box, Uploader.connect(box, server.url, token) as uploader:
            assert uploader.send_logoffs(book) is None
        assert book.logoffs_waiting() == []
    with server.db() as session:
        (row,) = session.scalars(select(UnitShift)).all()
    assert (row.end_reason, row.ended_at) == ("logoff", off)


def test_the_unit_logs_the_officer_off_when_the_server_ends_the_shift(server: LiveServer, tmp_path: Path) -> None:
    # The administrator disables an officer who is on patrol: the car stops taking their decisions on its next
    # round, after sending those taken before, and its screen says why.
    actors, stolen, officer, token, read = on_patrol(server)
    db = tmp_path / "unit.db"
    with Outbox(db) as box, AlertBook(db) as book:
        with server_client(server.url, token) as client:
            book.log_on(log_on(client, officer.username, officer.password, server.totp(officer)))
            version = client.get("/api/v1/unit/hotlist").json()["version"]
        hit = raised("6ZR4117", read_id=uuid.UUID(read["id"]), list_id=stolen["id"], hotlist_version=version)
        book.add(hit)
        book.decide(str(hit.id), True, server.clock.now)
        box.put(read)
        with ServerSync(db, server.url, token, upload_every=0.2, book=book) as sync:
            screen = agent_screen(f"127.0.0.1:{free_port()}", book, sync, server.url, token)
            with screen, httpx.Client(base_url=screen.url, timeout=CLIENT_TIMEOUT) as page:
                wait_until(lambda: book.get(str(hit.id)).upload == "done", "the decision to reach the server")
                assert book.officer() is not None and page.get("/api/state").json()["shift_notice"] is None
                with actors.client(Role.ADMINISTRATOR) as admin:
                    assert admin.post(f"/api/v1/users/{officer.username}/disable").status_code == 200
                wait_until(lambda: book.officer() is None, "the unit to log the officer off")
                state = page.get("/api/state").json()
                assert state["officer"] is None
                assert "account was disabled" in state["shift_notice"], state["shift_notice"]
        assert book.logoffs_waiting() == []  # the server ended the shift: no log-off is owed
        with pytest.raises(AlertBookError, match="log"):
            book.decide(str(hit.id), False, server.clock.now, "misread")
    with server.db() as session:
        (alert,) = session.scalars(select(Alert)).all()
        (shift,) = session.scalars(select(UnitShift)).all()
    assert (alert.status, alert.decided_by) == ("accepted", officer.username)
    assert shift.end_reason == "disabled"


def wait_until(check: Callable[[], bool], what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
