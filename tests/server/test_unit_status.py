"""Where each unit stands, for supervisors (order V.E.2h, V.E.3, V.F.2): the officer on shift, the last contact,
the reads received, the hot list it holds, and what to act on; recorded from the unit's own requests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from platewatch.domain.roles import Role
from platewatch.unit.outbox import Outbox
from platewatch.unit.uploader import Uploader
from tests.support.live_server import LiveServer, read_payload


def status_of(server: LiveServer, role: Role = Role.SUPERVISOR) -> dict[str, Any]:
    with server.client(server.login(server.add_person(role))) as c:
        r = c.get("/api/v1/units/status")
    assert r.status_code == 200, r.text
    return {u["name"]: u for u in r.json()["units"]}


def logon(server: LiveServer, token: str, username: str = "jsmith") -> int:
    officer = server.add_person(Role.OFFICER, username=username)
    server.assign(token, officer)
    server.clock.advance(seconds=31)
    body = {"username": officer.username, "password": officer.password, "otp": server.totp(officer)}
    with server.client(token) as c:
        r = c.post("/api/v1/unit/logon", json=body)
    assert r.status_code == 200, r.text
    return int(r.json()["shift"])


def test_a_unit_on_patrol_shows_its_officer_hot_list_and_reads(server: LiveServer) -> None:
    token = server.add_unit("car-12")
    server.add_unit("car-7")  # registered, never used
    logon(server, token)
    with server.client(token) as c:
        version = c.get("/api/v1/unit/hotlist", headers={"X-Outbox-Pending": "3"}).json()["version"]
        captured = server.clock.now - dt.timedelta(minutes=2)
        r = c.post("/api/v1/reads", json={"reads": [read_payload("6ZR4117", captured)]})
        assert r.status_code == 200
    units = status_of(server)
    car = units["car-12"]
    assert (car["officer"], car["hotlist_version"], car["warnings"]) == ("jsmith", version, [])
    assert dt.datetime.fromisoformat(car["last_read_captured_at"]) == captured
    assert car["last_read_received_at"] is not None and car["reads_waiting"] == 3
    assert units["car-7"]["last_contact_at"] is None and units["car-7"]["warnings"] == []


def test_a_shift_that_ended_with_reads_on_the_unit_is_named(server: LiveServer) -> None:
    token = server.add_unit("car-12")
    shift = logon(server, token)
    with server.client(token) as c:
        c.get("/api/v1/unit/hotlist")
        assert c.post("/api/v1/unit/logoff", json={"shift": shift}).status_code == 200
        server.clock.advance(minutes=1)
        c.get("/api/v1/unit/hotlist", headers={"X-Outbox-Pending": "212"})  # back in range: still a backlog
    (warning,) = status_of(server)["car-12"]["warnings"]
    assert warning.startswith("212 reads still on the unit at its last contact, after the shift ended")
    with server.client(token) as c:
        c.get("/api/v1/unit/hotlist", headers={"X-Outbox-Pending": "0"})
    assert status_of(server)["car-12"]["warnings"] == []


def test_a_hot_list_older_than_a_day_on_shift_is_named(server: LiveServer) -> None:
    token = server.add_unit("car-12")
    logon(server, token)
    with server.client(token) as c:
        c.get("/api/v1/unit/hotlist")
    server.clock.advance(hours=26)
    with server.client(token) as c:  # uploads go on, the list is never fetched again
        c.post("/api/v1/reads", json={"reads": [read_payload("5HX2290", server.clock.now)]})
    assert status_of(server)["car-12"]["warnings"] == ["hot list not updated for 26 h (V.F.2: at most 24 h)"]


def test_a_bad_outbox_header_is_ignored_and_officers_do_not_see_units(server: LiveServer) -> None:
    token = server.add_unit("car-12")
    with server.client(token) as c:
        assert c.get("/api/v1/unit/hotlist", headers={"X-Outbox-Pending": "lots"}).status_code == 200
    assert status_of(server, Role.ADMINISTRATOR)["car-12"]["reads_waiting"] is None
    with server.client(server.login(server.add_person(Role.OFFICER))) as c:
        assert c.get("/api/v1/units/status").status_code == 403


def test_a_unit_asks_who_it_is_and_the_servers_time(server: LiveServer) -> None:
    token = server.add_unit("car-12")
    with server.client(token) as c:
        r = c.get("/api/v1/unit/me")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name"], body["kind"], body["approved_for"]) == ("car-12", "mobile", "Car 12")
    assert dt.datetime.fromisoformat(body["server_time"]) == server.clock.now
    assert status_of(server)["car-12"]["last_contact_at"] is not None  # a contact like any other
    with server.client(server.login(server.add_person(Role.ADMINISTRATOR))) as admin:
        assert admin.post("/api/v1/units/car-12/revoke").status_code == 200
    with server.client(token) as c:
        refused = c.get("/api/v1/unit/me")
    assert refused.status_code == 401 and refused.json()["error"] == "revoked_unit_token"


def test_a_units_clock_is_measured_from_its_questions(server: LiveServer) -> None:
    token = server.add_unit("car-12")
    behind = (server.clock.now - dt.timedelta(minutes=3, seconds=20)).isoformat()
    with server.client(token) as c:
        assert c.get("/api/v1/unit/hotlist", headers={"X-Unit-Time": behind}).status_code == 200
    car = status_of(server)["car-12"]
    assert car["clock_skew_s"] == 200.0
    assert car["warnings"] == [
        "the unit's clock is 3 min 20 s behind the server's: its reads are stamped with it (keep it in step; "
        "`platewatch unit check`)"
    ]
    # An upload's time includes its transfer; a time without a zone, or not a time, says nothing.
    right = server.clock.now.isoformat()
    with server.client(token) as c:
        r = c.post(
            "/api/v1/reads", json={"reads": [read_payload("6ZR4117", server.clock.now)]}, headers={"X-Unit-Time": right}
        )
        assert r.status_code == 200
        for said in (server.clock.now.replace(tzinfo=None).isoformat(), "yesterday", "9" * 60):
            assert c.get("/api/v1/unit/me", headers={"X-Unit-Time": said}).status_code == 200
    assert status_of(server)["car-12"]["clock_skew_s"] == 200.0
    with server.client(token) as c:  # (logging a supervisor in moved the server's clock on)
        assert c.get("/api/v1/unit/me", headers={"X-Unit-Time": server.clock.now.isoformat()}).status_code == 200
    assert (status_of(server)["car-12"]["clock_skew_s"], status_of(server)["car-12"]["warnings"]) == (0.0, [])


def test_reads_a_unit_deleted_unsent_reach_the_supervisor(server: LiveServer, tmp_path: Path) -> None:
    token = server.add_unit("car-12")
    now = dt.datetime.now(dt.UTC)
    with Outbox(tmp_path / "outbox.db") as box:  # an outage of more than two weeks: two reads went unsent
        for i in range(2):
            box.put(read_payload(f"OLD000{i}", now - dt.timedelta(days=15), seed=i))
        assert box.expire(now - dt.timedelta(days=14), now) == 2
        with Uploader.connect(box, server.url, token) as uploader:
            uploader.download_hotlist()  # the unit's next contact says so
    car = status_of(server)["car-12"]
    assert car["reads_deleted"] == 2 and car["warnings"] == [
        "2 reads deleted on the unit unsent in the last 7 days: they passed the retention period before it could "
        "reach the server (V.E.2h)"
    ]
    with server.client(token) as c:  # a header that is not a count changes nothing
        assert c.get("/api/v1/unit/me", headers={"X-Outbox-Deleted": "-3"}).status_code == 200
    assert status_of(server)["car-12"]["reads_deleted"] == 2
