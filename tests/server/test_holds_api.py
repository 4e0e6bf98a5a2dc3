"""Legal holds through the real HTTP API, as an investigator and the program administrator use them (V.D.4)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.governance.models import LegalHold
from platewatch.server.querylog.models import QueryLogEntry
from tests.server.test_hotlists_api import Actors, ingest
from tests.server.test_retention import run_purge, stored
from tests.support.live_server import PURPOSE, LiveServer, read_payload


def test_a_hold_by_plate_outlives_the_retention_period_until_the_administrator_releases_it(server: LiveServer) -> None:
    actors = Actors(server)
    unit = server.add_unit()
    start = server.clock.now
    ingest(server, unit, read_payload("ABC1234", start), read_payload("ABCI234", start),  # a look-alike reading
           read_payload("XYZ9876", start))  # fmt: skip
    with actors.client(Role.INVESTIGATOR) as c:
        body = {"reason": "preservation letter from the State's Attorney", "plate": "abc1234"}
        assert c.post("/api/v1/holds", json=body).status_code == 400  # purpose and case number first
        r = c.post("/api/v1/holds", params=PURPOSE, json=body)
    assert r.status_code == 201, r.text
    hold = r.json()
    assert hold["read_count"] == 2 and hold["active"] and hold["case_number"] == PURPOSE["case_number"]
    assert hold["created_by"] == actors.people[Role.INVESTIGATOR].username
    with server.db() as db:
        logged = db.scalars(select(QueryLogEntry).where(QueryLogEntry.action == "place_hold")).all()
    assert [(e.outcome, e.result_count, e.parameters.get("plate")) for e in logged] == [
        ("refused", 0, None),
        ("ok", 2, "ABC1234"),
    ]
    with actors.client(Role.OFFICER) as c:
        assert c.post("/api/v1/holds", params=PURPOSE, json=body).status_code == 403

    server.clock.advance(days=15)
    report = run_purge(server)
    assert report.reads_deleted == 1 and report.reads_held == 2
    assert stored(server) == {"ABC1234", "ABCI234"}

    later = Actors(server)  # the first sessions have expired
    with later.client(Role.INVESTIGATOR) as c:
        listed = c.get("/api/v1/holds", params=PURPOSE).json()["holds"]
        assert [(h["id"], h["read_count"], h["active"]) for h in listed] == [(hold["id"], 2, True)]
        r = c.post(f"/api/v1/holds/{hold['id']}/release", json={"note": "case closed"})
        assert r.status_code == 403 and "investigator" in r.json()["message"]
    with later.client(Role.ADMINISTRATOR) as c:
        r = c.post(f"/api/v1/holds/{hold['id']}/release", json={"note": "case closed, letter withdrawn"})
        assert r.status_code == 200, r.text
        assert r.json()["active"] is False and r.json()["released_by"] == later.people[Role.ADMINISTRATOR].username
        again = c.post(f"/api/v1/holds/{hold['id']}/release", json={"note": "again"})
        assert again.status_code == 409 and "released by" in again.json()["message"]
    report = run_purge(server)
    assert report.reads_deleted == 2 and stored(server) == set()
    with later.client(Role.INVESTIGATOR) as c:
        detail = c.get(f"/api/v1/holds/{hold['id']}", params=PURPOSE).json()
    assert detail["read_count"] == 0 and detail["release_note"] == "case closed, letter withdrawn"


def test_bad_hold_requests_are_refused_and_hold_nothing(server: LiveServer) -> None:
    actors = Actors(server)
    unit = server.add_unit()
    read = read_payload("ABC1234", server.clock.now)
    ingest(server, unit, read)
    unknown = str(uuid.uuid4())
    cases = [
        ({"reason": "letter", "read_ids": [read["id"], unknown]}, 404, unknown),
        ({"reason": "letter", "plate": "QQQ9999"}, 404, "no stored read matches"),
        ({"reason": "letter"}, 422, "name the reads to hold"),
        ({"reason": "letter", "plate": "ABC1234", "captured_from": "2026-11-01T00:00:00"}, 422, "time zone"),
        ({"reason": "letter", "read_ids": [read["id"]], "captured_to": "2026-11-01T00:00:00Z"}, 422, "give the plate"),
        ({"reason": "letter", "plate": "ABC-1234"}, 422, "plate"),
        ({"reason": "letter", "read_ids": ["not-a-uuid"]}, 422, "read_ids"),
        ({"reason": "x", "read_ids": [read["id"]]}, 422, "reason"),
    ]
    with actors.client(Role.INVESTIGATOR) as c:
        for body, status, words in cases:
            r = c.post("/api/v1/holds", params=PURPOSE, json=body)
            assert r.status_code == status, (body, r.text)
            assert words in r.text and r.json()["error"], (body, r.text)
        assert c.get("/api/v1/holds/999", params=PURPOSE).status_code == 404
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post("/api/v1/holds/999/release", json={"note": "closed"}).status_code == 404
        assert c.post("/api/v1/holds/1/release", json={}).status_code == 422
    assert server.count(LegalHold) == 0
    with server.db() as db:  # every refused request is in the query log, as refused (not as a server error)
        outcomes = [e.outcome for e in db.scalars(select(QueryLogEntry).where(QueryLogEntry.action == "place_hold"))]
    assert outcomes == ["not_found", "not_found"] + ["refused"] * 6


def test_a_hold_by_plate_holds_the_reads_a_unit_uploads_after_it_was_placed(server: LiveServer) -> None:
    """A car out of contact uploads its reads after the investigator placed the hold: those captured before the
    hold, in its window, are held as they arrive; a read captured after the hold is not (a hold preserves evidence,
    it does not follow the car), nor another plate's, nor any by a released hold."""
    actors = Actors(server)
    station, car = server.add_unit(), server.add_unit()
    start = server.clock.now
    ingest(server, station, read_payload("ABC1234", start))
    server.clock.advance(hours=1)  # the car, out of contact, read the plate meanwhile
    body = {"reason": "preservation letter", "plate": "ABC1234", "captured_from": start.isoformat()}
    with actors.client(Role.INVESTIGATOR) as c:
        bodies = (body, {**body, "captured_from": None}, body)
        placed = [c.post("/api/v1/holds", params=PURPOSE, json=b) for b in bodies]
    assert [r.status_code for r in placed] == [201, 201, 201], placed[0].text
    hold, unbounded, released = (r.json() for r in placed)
    assert hold["read_count"] == 1 and hold["plate"] == "ABC1234" and unbounded["captured_from"] is None
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/holds/{released['id']}/release", json={"note": "withdrawn"}).status_code == 200

    server.clock.advance(hours=2)  # the car comes back into contact
    late = [
        read_payload("ABC1234", start + dt.timedelta(minutes=20)),
        read_payload("ABCI234", start + dt.timedelta(minutes=40)),  # a look-alike reading of it
    ]
    after_hold = read_payload("ABC1234", server.clock.now - dt.timedelta(minutes=5))
    too_early = read_payload("ABC1234", start - dt.timedelta(minutes=5))  # before the hold's window
    ingest(server, car, *late, after_hold, too_early, read_payload("XYZ9876", start + dt.timedelta(minutes=20)))
    ingest(server, car, late[0])  # sent again (the car did not hear the answer): held once

    with Actors(server).client(Role.INVESTIGATOR) as c:  # the first sessions have expired
        detail = c.get(f"/api/v1/holds/{hold['id']}", params=PURPOSE).json()
        assert c.get(f"/api/v1/holds/{unbounded['id']}", params=PURPOSE).json()["read_count"] == 4  # too_early too
        assert c.get(f"/api/v1/holds/{released['id']}", params=PURPOSE).json()["read_count"] == 1
        listing = re.sub(r"<[^>]+>", "", c.get("/holds").text)  # the Legal holds page says what each hold covers
    assert f"plate ABC1234 and its look-alikes, captured from {start:%Y-%m-%d %H:%M} UTC before the hold" in listing
    held = {str(i) for i in detail["read_ids"]}
    assert detail["read_count"] == 3 and {r["id"] for r in late} <= held
    assert after_hold["id"] not in held and too_early["id"] not in held

    server.clock.advance(days=15)
    report = run_purge(server)
    assert report.reads_held == 4  # the station's read, the two late ones, and too_early (by the unbounded hold)
    assert report.reads_deleted == 2  # the read after the hold, and XYZ9876
