"""The live unit's server link against a real server on 127.0.0.1: reads uploaded on a timer, a newer hot-list
version picked up while the unit runs, an outage that only delays."""

from __future__ import annotations

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from platewatch.domain.roles import Role
from platewatch.server.reads.models import Read
from platewatch.unit.outbox import Outbox
from platewatch.unit.sync import ServerSync
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer, free_port, read_payload


def wait_until(condition: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_reads_go_up_on_the_timer_and_a_new_hot_list_version_arrives(server: LiveServer, tmp_path: Path) -> None:
    token = server.add_unit()
    outbox = tmp_path / "outbox.db"
    with Outbox(outbox):  # created by the agent's thread before the sync starts
        pass
    with ServerSync(outbox, server.url, token, upload_every=0.2, hotlist_every=0.2) as sync:
        first = sync.wait_for_hotlist()
        assert first is not None and first.index.size == 0
        with Outbox(outbox) as box:  # the recognition thread's own connection
            box.put(read_payload("SYNC001", server.clock.now, seed=1))
        assert wait_until(lambda: server.count(Read) == 1)  # uploaded without anyone asking
        actors = Actors(server)
        bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
        with actors.client(Role.ADMINISTRATOR) as c:
            entry = {"purpose": "robbery suspect vehicle, case 2026-3001", "plate": "8TRK455"}
            assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
        assert wait_until(lambda: sync.hotlist is not None and sync.hotlist.index.size == 1)
        assert sync.hotlist is not None and sync.hotlist.version > first.version
    assert sync.report.pending == 0 and sync.hotlist_error is None


def test_an_outage_keeps_the_reads_and_says_why(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    with Outbox(outbox) as box:
        box.put(read_payload("SYNC002", None, seed=2))
    sync = ServerSync(outbox, f"http://127.0.0.1:{free_port()}", "pwu_x", upload_every=0.1, hotlist_every=60)
    assert sync.wait_for_hotlist() is None
    report = sync.close()
    assert report.pending == 1 and report.error is not None and "server unreachable" in report.error
    assert sync.hotlist_error is not None and "server unreachable" in sync.hotlist_error


def test_the_unit_follows_the_server_by_deltas(server: LiveServer, tmp_path: Path) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    purpose = "armed robbery suspect vehicle, case 26-100"
    with actors.client(Role.SUPERVISOR) as c:
        for plate in ("ABC1234", "XYZ999"):
            entry = {"plate": plate, "state": "CT", "purpose": purpose}
            assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
    token = server.add_unit()
    with ServerSync(tmp_path / "outbox.db", server.url, token, upload_every=60, hotlist_every=0.2) as sync:
        first = sync.wait_for_hotlist()
        assert first is not None and first.index.size == 2
        with actors.client(Role.SUPERVISOR) as c:
            gone = {"plate": "ABC1234", "state": "CT", "reason": "recovered"}
            assert c.delete(f"/api/v1/hotlists/{bolo['id']}/entries", params=gone).status_code == 200
            entry = {"plate": "8TRK455", "purpose": purpose}
            assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
        assert wait_until(lambda: sync.hotlist is not None and sync.hotlist.version >= first.version + 2)
        newest = sync.hotlist
    with server.client(token) as c:
        whole = c.get("/api/v1/unit/hotlist").json()
    assert newest is not None and newest.content_hash == whole["content_hash"]
    assert sorted(e.plate for _, e in newest.items) == ["8TRK455", "XYZ999"]
    assert sync.full_downloads == 1 and sync.deltas >= 1  # the whole list once, then only the changes


class Nonsense(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"<html>captive portal</html>")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def test_a_captive_portal_answering_for_the_server_loses_nothing(tmp_path: Path) -> None:
    portal = ThreadingHTTPServer(("127.0.0.1", 0), Nonsense)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    outbox = tmp_path / "outbox.db"
    with Outbox(outbox) as box:
        box.put(read_payload("SYNC003", None, seed=3))
    try:
        url = f"http://127.0.0.1:{portal.server_port}"
        sync = ServerSync(outbox, url, "pwu_x", upload_every=0.1, hotlist_every=0.1)
        assert sync.wait_for_hotlist() is None
        time.sleep(0.5)  # several rounds, each failing
        assert sync._thread.is_alive()
        report = sync.close()
    finally:
        portal.shutdown()
    assert report.pending == 1 and report.error is not None  # the read stays for a real server
    assert "not a PlateWatch answer" in report.error
    assert sync.hotlist_error is not None and "is this the PlateWatch server?" in sync.hotlist_error


def test_reads_older_than_the_retention_period_leave_the_unit_unsent(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    now = dt.datetime.now(dt.UTC)
    with Outbox(outbox) as box:  # an outage of more than two weeks: the server would refuse the first one
        box.put(read_payload("OLD0001", now - dt.timedelta(days=14, minutes=1), seed=1))
        box.put(read_payload("NEW0001", now - dt.timedelta(days=13), seed=2))
    sync = ServerSync(outbox, f"http://127.0.0.1:{free_port()}", "pwu_x", upload_every=60, hotlist_every=60)
    assert wait_until(lambda: sync.expired == 1)
    report = sync.close()
    assert report.pending == 1
    with Outbox(outbox) as box:
        assert [r["plate"] for r in box.pending()] == ["NEW0001"]


def test_a_unit_clock_a_month_ahead_deletes_nothing_the_server_still_takes(server: LiveServer, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    now = dt.datetime.now(dt.UTC)
    with Outbox(outbox) as box:
        box.put(read_payload("6ZR4117", now - dt.timedelta(hours=1), seed=1))

    def ahead() -> dt.datetime:  # the car computer's clock jumped a month ahead after it queued the read
        return dt.datetime.now(dt.UTC) + dt.timedelta(days=30)

    with ServerSync(outbox, server.url, server.add_unit(), upload_every=0.2, hotlist_every=60, clock=ahead) as sync:
        assert wait_until(lambda: sync.report.delivered == 1)
    assert sync.expired == 0 and server.count(Read) == 1
    # With no answer from the server, the unit's own clock is all it has: the read would then be deleted.
    with Outbox(outbox) as box:
        box.put(read_payload("7AB1234", now - dt.timedelta(hours=1), seed=2))
    down = ServerSync(
        outbox, f"http://127.0.0.1:{free_port()}", "pwu_x", upload_every=60, hotlist_every=60, clock=ahead
    )
    assert wait_until(lambda: down.expired == 1)
    down.close()
