"""Hot lists end to end over HTTP: import, distribution to units, hits at ingest, the alert lifecycle,
retro-hits, covert lists and the live feed."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import httpx

from platewatch.domain.roles import Role
from tests.server.hotlists.fixtures import ncic
from tests.support.live_server import LiveServer, Person, read_payload

NCIC_FILE = "\n".join(
    [
        ncic("V123456789", "AB123456", "CA", ori="LA0570200", date="20190509", vyr="2009", vma="YAMA", vco="BLK"),
        ncic("P987654321", "7XYZ890", "CT", ori="CT0000100", date="20261101"),
        ncic("A555000111", "KID2026", "NY", ori="NY0000000", date="20261127"),
    ]
).encode()


class Actors:
    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.tokens: dict[Role, str] = {}
        self.people: dict[Role, Person] = {}

    def token(self, role: Role) -> str:
        if role not in self.tokens:
            self.people[role] = self.server.add_person(role)
            self.tokens[role] = self.server.login(self.people[role])
        return self.tokens[role]

    def client(self, role: Role) -> httpx.Client:
        return self.server.client(self.token(role))


def make_list(actors: Actors, **body: Any) -> dict[str, Any]:
    with actors.client(Role.ADMINISTRATOR) as c:
        r = c.post("/api/v1/hotlists", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def ingest(server: LiveServer, token: str, *reads: dict[str, Any]) -> None:
    with server.client(token) as c:
        r = c.post("/api/v1/reads", json={"reads": list(reads)})
    assert r.status_code == 200, r.text


def test_import_hit_accept_verify_dispose(server: LiveServer) -> None:
    actors = Actors(server)
    ncic_list = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle", import_format="ncic_fixed")
    with actors.client(Role.ADMINISTRATOR) as c:
        r = c.post(f"/api/v1/hotlists/{ncic_list['id']}/import", content=NCIC_FILE, params={"filename": "ncic.txt"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["entries"] == 3 and report["new_entries"] == 3 and report["problems"] == []
    version = report["version"]["id"]

    unit = server.add_unit("car-12")
    with server.client(unit) as c:
        snap = c.get("/api/v1/unit/hotlist").json()
    assert snap["version"] == version and snap["full"] is True
    assert {e["plate"] for e in snap["entries"]} == {"AB123456", "7XYZ890", "KID2026"}
    assert len(snap["content_hash"]) == 64

    # A read of a listed plate, compared by the unit against an older version: the server matches it.
    hit_read = read_payload("7XYZ890", server.clock.now, state="CT", hotlist_version=version - 1)
    ingest(server, unit, hit_read, read_payload("ZZZ1111", server.clock.now))
    with actors.client(Role.OFFICER) as c:
        queue = c.get("/api/v1/alerts", params={"status": "pending"}).json()
    assert len(queue["alerts"]) == 1
    alert = queue["alerts"][0]
    assert alert["read"]["plate"] == "7XYZ890" and alert["match_kind"] == "exact"
    assert alert["entry"]["nic"] == "P987654321" and alert["entry"]["category"] == "stolen_plate"
    assert alert["hotlist"]["name"] == "NCIC" and alert["hotlist_version"] == version
    assert alert["hotlist_stale"] is False and alert["origin"] == "ingest"
    assert alert["read"]["plate_image_url"].endswith(f"?context={queue['query_log_seq']}")
    aid = alert["id"]

    with actors.client(Role.DISPATCHER) as c:  # dispatch cannot verify before the officer accepted
        r = c.post(f"/api/v1/alerts/{aid}/verify", json={"confirmed": True})
        assert r.status_code == 409 and "pending" in r.json()["message"]
    with actors.client(Role.OFFICER) as c:
        assert c.post(f"/api/v1/alerts/{aid}/accept").json()["status"] == "accepted"
    with actors.client(Role.DISPATCHER) as c:
        r = c.post(f"/api/v1/alerts/{aid}/verify", json={"confirmed": True, "note": "NCIC: active, 10-99"})
        assert r.json()["status"] == "confirmed"
        assert c.post(f"/api/v1/alerts/{aid}/accept").status_code == 403  # dispatch does not decide
    with actors.client(Role.OFFICER) as c:
        r = c.post(f"/api/v1/alerts/{aid}/dispose", json={"disposition": "no_action", "incident_number": "26-1"})
        assert r.status_code == 409 and "no LEAS incident" in r.json()["message"]
        recovered = {"disposition": "vehicle_recovered", "incident_number": "26-4411", "leas_subtype": "lpr"}
        r = c.post(f"/api/v1/alerts/{aid}/dispose", json=recovered)
        assert r.json()["status"] == "disposed"
        final = c.get(f"/api/v1/alerts/{aid}").json()
    assert final["decided_by"] == actors.people[Role.OFFICER].username
    assert final["verified_by"] == actors.people[Role.DISPATCHER].username
    assert final["verification_note"] == "NCIC: active, 10-99" and final["incident_number"] == "26-4411"
    assert final["leas_subtype"] == "LPR"


def test_delta_since_a_version_and_stale_warning(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    purpose = "armed robbery suspect vehicle, case 26-100"
    with actors.client(Role.SUPERVISOR) as c:
        first = c.post(
            f"/api/v1/hotlists/{bolo['id']}/entries", json={"plate": "ABC1234", "state": "CT", "purpose": purpose}
        )
        assert first.status_code == 201, first.text
        v1 = first.json()["version"]["id"]
        c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json={"plate": "XYZ999", "purpose": purpose})
        r = c.delete(
            f"/api/v1/hotlists/{bolo['id']}/entries", params={"plate": "ABC1234", "state": "CT", "reason": "recovered"}
        )
        assert r.status_code == 200
    unit = server.add_unit()
    with server.client(unit) as c:
        full = c.get("/api/v1/unit/hotlist").json()
        delta = c.get("/api/v1/unit/hotlist", params={"since": v1}).json()
    assert [e["plate"] for e in full["entries"]] == ["XYZ999"]
    assert delta["full"] is False and [e["plate"] for e in delta["entries"]] == ["XYZ999"]
    assert [e["plate"] for e in delta["removed"]] == ["ABC1234"]
    assert delta["content_hash"] == full["content_hash"]
    # The list's age: older than 24 hours is a warning (order V.F.2).
    server.clock.advance(hours=25)
    with actors.client(Role.OFFICER) as c:
        lists = c.get("/api/v1/hotlists").json()
    assert lists[0]["stale"] is True and lists[0]["age_hours"] > 24
    with actors.client(Role.INVESTIGATOR) as c:
        versions = c.get(f"/api/v1/hotlists/{bolo['id']}/versions").json()
        diff = c.get("/api/v1/hotlists/diff", params={"from": v1}).json()
    assert [v["change"] for v in versions] == ["remove", "manual_add", "manual_add", "create"]
    assert [e["plate"] for e in diff["added"]] == ["XYZ999"] and [e["plate"] for e in diff["removed"]] == ["ABC1234"]


def test_manual_entries_need_a_purpose_and_a_manual_list(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    ncic_list = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle")
    with actors.client(Role.INVESTIGATOR) as c:
        r = c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json={"plate": "ABC1234", "purpose": "because"})
        assert r.status_code == 422 and "purpose" in r.json()["message"]
        r = c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json={"plate": "ABC\x001234", "purpose": "x" * 20})
        assert r.status_code == 422 and "control character" in r.json()["message"]
        r = c.post(f"/api/v1/hotlists/{ncic_list['id']}/entries", json={"plate": "ABC1234", "purpose": "x" * 20})
        assert r.status_code == 422 and r.json()["error"] == "not_manual"
    with actors.client(Role.OFFICER) as c:  # officers work hits; they do not add entries
        r = c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json={"plate": "ABC1234", "purpose": "x" * 20})
        assert r.status_code == 403


def test_refused_import_changes_nothing(server: LiveServer) -> None:
    actors = Actors(server)
    ncic_list = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle", import_format="ncic_fixed")
    with actors.client(Role.ADMINISTRATOR) as c:
        good = c.post(f"/api/v1/hotlists/{ncic_list['id']}/import", content=NCIC_FILE)
        assert good.status_code == 200
        bad_file = NCIC_FILE + b"\nthis is not a record\nnor is this\n"
        r = c.post(f"/api/v1/hotlists/{ncic_list['id']}/import", content=bad_file)
        assert r.status_code == 422 and r.json()["error"] == "import_refused"
        assert [d["line"] for d in r.json()["details"]] == [4, 5]
        assert all(d["reason"] for d in r.json()["details"])
        versions = c.get(f"/api/v1/hotlists/{ncic_list['id']}/versions").json()
        r = c.post(f"/api/v1/hotlists/{ncic_list['id']}/import", content=NCIC_FILE, params={"format": "nonsense"})
        assert r.status_code == 422 and "nonsense" in r.json()["message"]
        latin = "ÄBC1234\n".encode("latin-1")
        bolo = make_list(actors, name="plain", source="vendor", category="bolo", import_format="plain")
        r = c.post(f"/api/v1/hotlists/{bolo['id']}/import", content=latin)
        assert r.status_code == 422
    assert [v["change"] for v in versions] == ["import", "create"]
    assert versions[0]["id"] == good.json()["version"]["id"]


def test_retro_hit_on_a_read_from_before_the_entry(server: LiveServer) -> None:
    actors = Actors(server)
    unit = server.add_unit()
    ingest(server, unit, read_payload("KID2026", server.clock.now - dt.timedelta(days=2), state="NY"))
    ingest(server, unit, read_payload("KID2025", server.clock.now - dt.timedelta(days=20 - 7), state="NY"))
    amber = make_list(actors, name="AMBER", source="manual", category="amber")
    with actors.client(Role.SUPERVISOR) as c:
        r = c.post(
            f"/api/v1/hotlists/{amber['id']}/entries",
            json={"plate": "KID2026", "state": "NY", "category": "amber", "purpose": "AMBER alert 26-7 abducted child"},
        )
        assert r.status_code == 201 and r.json()["retro_alerts"] == 2  # exact, and one edit away
        queue = c.get("/api/v1/alerts", params={"origin": "retro"}).json()["alerts"]
    kinds = sorted((a["read"]["plate"], a["match_kind"]) for a in queue)
    assert kinds == [("KID2025", "one_edit"), ("KID2026", "exact")]
    assert all(a["origin"] == "retro" and a["status"] == "pending" for a in queue)


def test_covert_lists_stay_in_the_back_office(server: LiveServer) -> None:
    actors = Actors(server)
    covert = make_list(actors, name="Intel", source="manual", category="bolo", covert=True)
    with actors.client(Role.INVESTIGATOR) as c:
        r = c.post(
            f"/api/v1/hotlists/{covert['id']}/entries",
            json={"plate": "SPY007", "purpose": "narcotics investigation 26-55"},
        )
        assert r.status_code == 201
    unit = server.add_unit()
    with server.client(unit) as c:
        assert c.get("/api/v1/unit/hotlist").json()["entries"] == []
    ingest(server, unit, read_payload("SPY007", server.clock.now))
    with actors.client(Role.OFFICER) as c:
        assert c.get("/api/v1/alerts").json()["alerts"] == []
        assert c.get("/api/v1/alerts/1").status_code == 404
        assert c.post("/api/v1/alerts/1/accept").status_code == 404
    with actors.client(Role.INVESTIGATOR) as c:
        alerts = c.get("/api/v1/alerts").json()["alerts"]
    assert [a["read"]["plate"] for a in alerts] == ["SPY007"] and alerts[0]["covert"] is True


def test_live_feed_sends_new_alerts(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.SUPERVISOR) as c:
        c.post(
            f"/api/v1/hotlists/{bolo['id']}/entries",
            json={"plate": "FEED123", "purpose": "shots fired, suspect vehicle"},
        )
    events: list[dict[str, Any]] = []
    token = actors.token(Role.SUPERVISOR)
    ready = threading.Event()

    def listen() -> None:
        with (
            server.client(token) as c,
            c.stream("GET", "/api/v1/alerts/stream", params={"seconds": 4}, timeout=20) as r,
        ):
            for line in r.iter_lines():
                if line.startswith(": connected"):
                    ready.set()
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                    return

    t = threading.Thread(target=listen)
    t.start()
    assert ready.wait(10)
    ingest(server, server.add_unit(), read_payload("FEED123", server.clock.now))
    t.join(20)
    assert [e["read"]["plate"] for e in events] == ["FEED123"]


def test_exact_only_lists_raise_no_approximate_hits(server: LiveServer) -> None:
    actors = Actors(server)
    big = make_list(actors, name="State extract", source="manual", category="stolen_vehicle", approximate=False)
    small = make_list(actors, name="AMBER", source="manual", category="amber")
    assert big["approximate"] is False and small["approximate"] is True
    with actors.client(Role.SUPERVISOR) as c:
        for lst, plate in ((big, "ABC1234"), (small, "KID2026")):
            r = c.post(
                f"/api/v1/hotlists/{lst['id']}/entries", json={"plate": plate, "purpose": "test of matching policy"}
            )
            assert r.status_code == 201
    unit = server.add_unit()
    ingest(server, unit, read_payload("A8C1234", server.clock.now), read_payload("KID2O26", server.clock.now),
           read_payload("ABC1234", server.clock.now))  # fmt: skip
    with actors.client(Role.OFFICER) as c:
        alerts = c.get("/api/v1/alerts").json()["alerts"]
    got = sorted((a["read"]["plate"], a["hotlist"]["name"], a["match_kind"]) for a in alerts)
    assert got == [("ABC1234", "State extract", "exact"), ("KID2O26", "AMBER", "lookalike")]
    with server.client(unit) as c:
        lists = c.get("/api/v1/unit/hotlist").json()["lists"]
    assert {v["name"]: v["approximate"] for v in lists.values()} == {"State extract": 0, "AMBER": 1}


def test_expired_entries_leave_the_distribution_and_expiry_makes_a_version(server: LiveServer) -> None:
    from platewatch.server.db.engine import transaction
    from platewatch.server.hotlists import service as hotlists

    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    today = server.clock.now.date()
    with actors.client(Role.SUPERVISOR) as c:
        for plate, expires in (("OLD1234", today - dt.timedelta(days=1)), ("NEW1234", today + dt.timedelta(days=5))):
            body = {"plate": plate, "purpose": "vehicle of interest, burglary", "expires": expires.isoformat()}
            assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=body).status_code == 201
    unit = server.add_unit()
    with server.client(unit) as c:
        assert [e["plate"] for e in c.get("/api/v1/unit/hotlist").json()["entries"]] == ["NEW1234"]
    ingest(server, unit, read_payload("OLD1234", server.clock.now))
    with actors.client(Role.OFFICER) as c:
        assert c.get("/api/v1/alerts").json()["alerts"] == []  # an expired entry raises no alert
    with transaction(server.sessions) as db:
        changed = hotlists.expire_entries(db, now=server.clock.now)
        assert [(v.change, v.entry_count) for v in changed] == [("expiry", 1)]
