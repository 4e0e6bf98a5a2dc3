"""Deployment approvals through the API on both stores (order V.A.2, V.E.1, III.8): the Program Administrator approves,
revises and ends them (history kept, audit trail written); a portable unit's reads without GPS take the site's fixed
position at ingest, on the msgspec fast path and pydantic's alike; reads outside every approval are flagged, listed and
raised to supervisors as a notice; bad input is a 4xx naming the field, nothing written."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.deployments.models import DeploymentApproval
from platewatch.server.notices import service as notices
from platewatch.server.reads import fast_batch
from platewatch.server.reads.models import Read
from tests.server.test_notices import PORT, Inbox, inbox  # noqa: F401 - the SMTP server fixture
from tests.support.live_server import PURPOSE, LiveServer, read_payload

SITE = {"site": "Post Road at Main Street", "latitude": 41.14, "longitude": -73.36, "radius_m": 200.0}


class Desk:
    """The administrator and a supervisor, logged in once each."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.admin = server.client(server.login(server.add_person(Role.ADMINISTRATOR)))
        self.supervisor = server.client(server.login(server.add_person(Role.SUPERVISOR)))

    def unit(self, name: str, kind: str = "portable") -> str:
        r = self.admin.post("/api/v1/units", json={"name": name, "kind": kind})
        assert r.status_code == 201, r.text
        return str(r.json()["token"])

    def approve(self, unit: str, **terms: Any) -> dict[str, Any]:
        r = self.admin.post("/api/v1/deployments", json={"unit": unit, **SITE, "reason": "speeding complaints",
                                                         **terms})  # fmt: skip
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body


def send(server: LiveServer, token: str, reads: list[dict[str, Any]]) -> None:
    with server.client(token) as c:
        r = c.post("/api/v1/reads", json={"reads": reads})
    assert r.status_code == 200, r.text
    assert len(r.json()["stored"]) == len(reads)


def stored(server: LiveServer, read_id: str) -> Read:
    with server.db() as db:
        row = db.get(Read, uuid.UUID(read_id))
        assert row is not None
        return row


def test_approvals_are_recorded_revised_and_ended_with_their_history_and_audit_rows(server: LiveServer) -> None:
    desk = Desk(server)
    desk.unit("trailer-1")
    first = desk.approve("trailer-1", valid_until=(server.clock.now + dt.timedelta(days=7)).isoformat())
    assert first["current"] and first["approved_by"] and first["unit_kind"] == "portable"
    moved = {**SITE, "latitude": 41.15, "reason": "moved up the road after the complaint"}
    r = desk.admin.post(f"/api/v1/deployments/{first['id']}/revise", json=moved)
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["replaces_id"] == first["id"] and second["latitude"] == 41.15
    assert desk.admin.post(f"/api/v1/deployments/{first['id']}/end", json={"reason": "again"}).status_code == 409
    r = desk.admin.post(f"/api/v1/deployments/{second['id']}/end", json={"reason": "complaints resolved"})
    assert r.status_code == 200 and r.json()["ended_at"] and not r.json()["current"]

    listed = desk.supervisor.get("/api/v1/deployments", params={"unit": "trailer-1"})
    assert listed.status_code == 200
    history = listed.json()["deployments"]
    assert [(d["id"], d["current"]) for d in history] == [(second["id"], False), (first["id"], False)]
    assert history[1]["end_reason"] == f"revised: replaced by approval {second['id']}"
    assert history[1]["latitude"] == 41.14  # the first approval's terms are kept as they were
    assert history[0]["end_reason"] == "complaints resolved"
    with server.db() as db:
        events = [(e.event, e.username) for e in db.scalars(select(SecurityEvent).where(
            SecurityEvent.event.like("deployment_%")).order_by(SecurityEvent.id))]  # fmt: skip
    assert events == [("deployment_approved", "trailer-1"), ("deployment_revised", "trailer-1"),
                      ("deployment_ended", "trailer-1")]  # fmt: skip
    # supervisors see, they do not approve
    r = desk.supervisor.post("/api/v1/deployments", json={"unit": "trailer-1", **SITE, "reason": "mine"})
    assert r.status_code == 403


def test_a_patrol_car_is_approved_as_its_vehicle_from_unit_add_and_the_unit_says_so(server: LiveServer) -> None:
    desk = Desk(server)
    r = desk.admin.post("/api/v1/units", json={"name": "car-40", "kind": "mobile", "approved_for": "Cruiser 40"})
    assert r.status_code == 201 and r.json()["unit"]["approved_for"] == "Cruiser 40"
    with server.client(r.json()["token"]) as c:
        assert c.get("/api/v1/unit/me").json()["approved_for"] == "Cruiser 40"
    (approval,) = desk.supervisor.get("/api/v1/deployments", params={"unit": "car-40"}).json()["deployments"]
    assert approval["site"] == "Cruiser 40" and approval["latitude"] is None and approval["current"]
    # equipment staff add units but do not approve where they are used
    tech = server.client(server.login(server.add_person(Role.EQUIPMENT)))
    r = tech.post("/api/v1/units", json={"name": "car-41", "kind": "mobile", "approved_for": "Cruiser 41"})
    assert r.status_code == 403 and "approved_for" in r.json()["message"]
    r = desk.admin.post("/api/v1/units", json={"name": "trailer-9", "kind": "portable", "approved_for": "Main St"})
    assert r.status_code == 422 and "portable" in r.json()["message"]


def test_a_portable_units_reads_without_gps_take_the_sites_position_on_both_ingest_paths(server: LiveServer) -> None:
    desk = Desk(server)
    token = desk.unit("trailer-2")
    approval = desk.approve("trailer-2", valid_from=(server.clock.now - dt.timedelta(hours=2)).isoformat())
    at = server.clock.now - dt.timedelta(minutes=5)
    fast = [read_payload("ABC1234", at, lat=None, lon=None, images=False), read_payload("XYZ7788", at, images=False,
            lat=41.1405, lon=-73.3601)]  # fmt: skip
    slow = [read_payload("abc-9876", at, lat=None, lon=None, images=False)]  # a plate pydantic normalizes
    assert fast_batch.decode(json.dumps({"reads": fast}).encode()) is not None  # the msgspec path takes it
    assert fast_batch.decode(json.dumps({"reads": slow}).encode()) is None  # pydantic's
    send(server, token, fast)
    send(server, token, slow)
    for body in (fast[0], slow[0]):
        row = stored(server, body["id"])
        assert (row.latitude, row.longitude, row.position_from_site) == (41.14, -73.36, True)
        assert row.approval_id == approval["id"] and row.outside_deployment is None
    gps = stored(server, fast[1]["id"])
    assert (gps.latitude, gps.position_from_site, gps.outside_deployment) == (41.1405, False, None)
    # an investigator sees that the place is the site's, not GPS
    investigator = server.client(server.login(server.add_person(Role.INVESTIGATOR)))
    found = investigator.get("/api/v1/reads/search", params={"plate": "ABC1234", **PURPOSE}).json()["reads"]
    assert [(r["latitude"], r["position_from_site"]) for r in found] == [(41.14, True)]


@pytest.mark.server_settings(smtp_host="127.0.0.1", smtp_port=PORT, smtp_security="none", smtp_from="lpr@town.gov",
                             notice_to_units="sgt@town.gov")  # fmt: skip
def test_reads_outside_every_approval_are_flagged_listed_and_raised_to_supervisors(
    server: LiveServer,
    inbox: Inbox,  # noqa: F811 - the fixture imported above
) -> None:
    desk = Desk(server)
    token = desk.unit("trailer-3")
    start = server.clock.now - dt.timedelta(hours=3)
    desk.approve("trailer-3", valid_from=start.isoformat(), valid_until=(start + dt.timedelta(hours=1)).isoformat())
    inside = read_payload("ABC1234", start + dt.timedelta(minutes=10), images=False, lat=41.1401, lon=-73.36)
    off_site = read_payload("DEF5678", start + dt.timedelta(minutes=20), images=False, lat=41.20, lon=-73.36)
    too_late = read_payload("GHI9012", start + dt.timedelta(hours=2), images=False, lat=None, lon=None)
    send(server, token, [inside, off_site, too_late])
    assert stored(server, inside["id"]).outside_deployment is None
    assert stored(server, off_site["id"]).outside_deployment == "off_site"
    late = stored(server, too_late["id"])
    assert (late.outside_deployment, late.latitude, late.position_from_site) == ("no_approval", None, False)

    r = desk.supervisor.get("/api/v1/deployments/flagged-reads")
    assert r.status_code == 200
    flagged = {f["id"]: f for f in r.json()["reads"]}
    assert set(flagged) == {off_site["id"], too_late["id"]}
    assert flagged[off_site["id"]]["outside"] == "off_site" and 6600 < flagged[off_site["id"]]["distance_m"] < 6700
    assert "plate" not in flagged[off_site["id"]] and "latitude" not in flagged[off_site["id"]]

    with server.db() as db:
        assert notices.run_once(db, server.settings, server.clock.now)[0] == 1
    ((to, message),) = inbox.messages
    assert to == ["sgt@town.gov"]
    assert str(message["Subject"]) == "[PlateWatch] Unit trailer-3: reads outside an approved deployment"
    assert "took 2 read(s) outside any approved deployment" in message.get_payload()
    listed = desk.supervisor.get("/api/v1/notices").json()["notices"]
    assert [n["subject"] for n in listed] == ["Unit trailer-3: reads outside an approved deployment"]
    with server.db() as db:
        assert notices.run_once(db, server.settings, server.clock.now) == (0, 0, 0)  # one notice per cause
    server.clock.advance(hours=25)  # nothing outside for a day: the cause is gone
    with server.db() as db:
        assert notices.run_once(db, server.settings, server.clock.now)[2] == 1


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"valid_from": "2026-12-07T10:00:00Z", "valid_until": "2026-12-07T09:00:00Z"}, 422, "valid_until"),
        ({"unit": "no-such-unit"}, 404, "no-such-unit"),
        ({"latitude": 91.0}, 422, "latitude"),
        ({"longitude": None}, 422, "longitude"),
        ({"reason": ""}, 422, "reason"),
        ({"valid_from": "2026-12-07T10:00:00"}, 422, "valid_from"),  # no zone
        ({"radius_m": -5}, 422, "radius_m"),
    ],
)
def test_bad_approvals_are_refused_naming_the_field_and_nothing_is_written(
    server: LiveServer, change: dict[str, Any], status: int, field: str
) -> None:
    desk = Desk(server)
    desk.unit("trailer-4")
    r = desk.admin.post("/api/v1/deployments", json={"unit": "trailer-4", **SITE, "reason": "why not", **change})
    assert r.status_code == status, r.text
    assert field in r.text
    assert server.count(DeploymentApproval) == 0


def test_a_patrol_car_has_no_site_and_a_portable_unit_needs_one(server: LiveServer) -> None:
    desk = Desk(server)
    desk.unit("car-5", kind="mobile")
    desk.unit("trailer-5")
    r = desk.admin.post("/api/v1/deployments", json={"unit": "car-5", **SITE, "reason": "patrol"})
    assert r.status_code == 422 and "vehicle" in r.json()["message"]
    r = desk.admin.post("/api/v1/deployments", json={"unit": "trailer-5", "site": "Main St", "reason": "speeding"})
    assert r.status_code == 422 and "latitude" in r.json()["message"]
    assert desk.admin.post("/api/v1/deployments/999/end", json={"reason": "gone"}).status_code == 404
    assert server.count(DeploymentApproval) == 0
