"""Notices that reach people (order V.C.1) with a real server and a real SMTP server on 127.0.0.1 (aiosmtpd): an
imported hot list past 24 hours and a unit whose disk is nearly full are each e-mailed to those responsible, once per
cause, again until acknowledged, listed on the page, and closed when the cause is gone."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.notices import service
from tests.server.hotlists.fixtures import ncic
from tests.server.test_hotlists_api import Actors, make_list
from tests.server.test_retention import import_list
from tests.server.test_supervision import as_person, commands_of
from tests.support.live_server import LiveServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd's handler: every message the relay accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for _, m in self.messages]


PORT = free_port()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def run_round(server: LiveServer) -> tuple[int, int, int]:
    with server.db() as db:
        return service.run_once(db, server.settings, server.clock.now)


@pytest.mark.server_settings(
    smtp_host="127.0.0.1", smtp_port=PORT, smtp_security="none", smtp_from="lpr@town.gov",
    notice_to_hotlists="pa@town.gov", notice_to_units="sgt@town.gov; it@town.gov", notice_repeat_minutes=60,
)  # fmt: skip
def test_each_cause_is_mailed_to_those_responsible_until_acknowledged_and_closes_when_gone(
    server: LiveServer, inbox: Inbox
) -> None:
    actors = Actors(server)
    lst = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle", import_format="ncic_fixed")
    import_list(actors, lst["id"], ncic("P987654321", "7XYZ890", "CT", ori="CT0000100", date="20261101").encode())
    make_list(actors, name="BOLO", source="manual", category="bolo")  # a manual list is never "old"
    unit = server.add_unit("car-3")
    assert run_round(server) == (0, 0, 0) and inbox.messages == []  # all in order

    server.clock.advance(hours=25)  # no import for a day; and the car's disk is nearly full
    with server.client(unit) as c:
        assert c.get("/api/v1/unit/hotlist", headers={"X-Disk-Free-MiB": "40"}).status_code == 200
    assert run_round(server) == (2, 2, 0)
    by_to = {tuple(to): m for to, m in inbox.messages}
    assert set(by_to) == {("pa@town.gov",), ("sgt@town.gov", "it@town.gov")}
    stale, disk = by_to[("pa@town.gov",)], by_to[("sgt@town.gov", "it@town.gov")]
    assert str(stale["Subject"]) == "[PlateWatch] Hot list NCIC is older than 24 h" and stale["From"] == "lpr@town.gov"
    assert str(disk["Subject"]).startswith("[PlateWatch] Unit car-3: its disk had 40 MiB free")
    assert "V.F.2" in stale.get_payload() and "Acknowledge it on PlateWatch's Notices page" in disk.get_payload()
    assert run_round(server) == (0, 0, 0)  # the same causes: no second notice, not sent again within the hour

    server.clock.advance(minutes=61)
    assert run_round(server) == (0, 2, 0)  # nobody acknowledged them: both again
    later = Actors(server)
    with later.client(Role.SUPERVISOR) as c:
        listed = c.get("/api/v1/notices").json()["notices"]
        on_disk = next(n for n in listed if n["subject"].startswith("Unit car-3"))
        assert on_disk["sent_count"] == 2 and on_disk["send_error"] == ""
        acked = c.post(f"/api/v1/notices/{on_disk['id']}/acknowledge")
        assert acked.status_code == 200 and acked.json()["acknowledged_by"] == later.people[Role.SUPERVISOR].username
        assert c.post(f"/api/v1/notices/{on_disk['id']}/acknowledge").status_code == 409
        assert c.post("/api/v1/notices/999/acknowledge").status_code == 404
        page = c.get("/notices").text
    assert "Hot list NCIC is older than 24 h" in page and f"notice-{on_disk['id']}" in page
    with later.client(Role.OFFICER) as c:
        assert c.get("/api/v1/notices").status_code == 403

    server.clock.advance(minutes=61)
    assert run_round(server) == (0, 1, 0)  # only the one nobody acknowledged
    sent_to = [tuple(to) for to, _ in inbox.messages]
    assert sent_to.count(("pa@town.gov",)) == 3 and sent_to.count(("sgt@town.gov", "it@town.gov")) == 2

    with server.client(unit) as c:  # the disk freed, the list imported again: both causes gone
        c.get("/api/v1/unit/hotlist", headers={"X-Disk-Free-MiB": "9000"})
    last = Actors(server)  # the earlier sessions have timed out
    import_list(last, lst["id"], ncic("P987654321", "7XYZ890", "CT", ori="CT0000100", date="20261101").encode())
    assert run_round(server) == (0, 0, 2)
    with last.client(Role.SUPERVISOR) as c:
        assert c.get("/api/v1/notices").json()["notices"] == []
        everything = c.get("/api/v1/notices", params={"closed": True}).json()["notices"]
    assert len(everything) == 2 and all(n["closed_at"] for n in everything)


def test_without_a_relay_notices_are_on_the_page_and_say_why_they_were_not_sent(server: LiveServer) -> None:
    unit = server.add_unit("car-9")
    with server.client(unit) as c:
        c.get("/api/v1/unit/hotlist", headers={"X-Disk-Free-MiB": "10"})
    assert run_round(server) == (1, 0, 0)
    with Actors(server).client(Role.ADMINISTRATOR) as c:
        (notice,) = c.get("/api/v1/notices").json()["notices"]
    assert notice["send_error"] == "no SMTP relay configured" and notice["sent_count"] == 0


@pytest.mark.server_settings(
    smtp_host="127.0.0.1", smtp_port=PORT, smtp_security="none", smtp_from="lpr@town.gov", notice_to_units="it@town.gov"
)
def test_a_supervisor_gets_by_e_mail_the_notices_about_their_commands_units(server: LiveServer, inbox: Inbox) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    sgt_north, sgt_south, sgt_any, sgt_quiet = (server.add_person(Role.SUPERVISOR) for _ in range(4))
    tokens = {name: server.add_unit(name) for name in ("car-n", "car-s")}
    commands_of(server, admin, {"North": [sgt_north, sgt_quiet], "South": [sgt_south]},
                {"North": ["car-n"], "South": ["car-s"]})  # fmt: skip
    with as_person(server, admin) as c:
        for person, address in (
            (sgt_north, "north@town.gov"),
            (sgt_south, "south@town.gov"),
            (sgt_any, "any@town.gov"),
        ):
            r = c.post(f"/api/v1/users/{person.username}/email", json={"email": address})
            assert r.status_code == 200 and r.json()["email"] == address, r.text
        bad = c.post(f"/api/v1/users/{sgt_quiet.username}/email", json={"email": "sgt north@town"})
        assert bad.status_code == 422 and bad.json()["error"] == "bad_email", bad.text
        assert c.post("/api/v1/users/nobody/email", json={"email": "a@b.gov"}).status_code == 404
    with as_person(server, sgt_north) as c:  # only the administrator sets addresses
        assert c.post(f"/api/v1/users/{sgt_north.username}/email", json={"email": "x@y.gov"}).status_code == 403
    for token in tokens.values():
        with server.client(token) as unit:
            assert unit.get("/api/v1/unit/me", headers={"X-Disk-Free-MiB": "5"}).status_code == 200
    assert run_round(server) == (2, 2, 0)
    to = {str(m["Subject"])[:23]: sorted(rcpt) for rcpt, m in inbox.messages}
    assert to == {
        "[PlateWatch] Unit car-n": ["any@town.gov", "it@town.gov", "north@town.gov"],
        "[PlateWatch] Unit car-s": ["any@town.gov", "it@town.gov", "south@town.gov"],
    }
    with server.db() as db:
        changed = db.scalars(select(SecurityEvent.username).where(SecurityEvent.event == "email_changed")).all()
    assert sorted(changed) == sorted(p.username for p in (sgt_north, sgt_south, sgt_any))
