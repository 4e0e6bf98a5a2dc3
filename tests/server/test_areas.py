"""Saved areas and restricted people (order IV.B.4) through the real HTTP API, on both stores: areas saved, chosen
by name and retired; a person restricted by the administrator sees nothing outside their area and window on any route
that returns reads (every route of the app's own table is walked), and a read outside is a 404, as if it did not
exist."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from platewatch.domain.geo import in_polygon
from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.querylog.models import QueryLogEntry
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import PURPOSE, LiveServer, read_payload
from tests.support.routes_table import fill_path, routes, rule_of

DISTRICT_3 = [[41.10, -73.55], [41.10, -73.45], [41.20, -73.45], [41.20, -73.55]]
MAIN_STREET = (41.1468, -73.4948)
WORLD = {"bbox": "-90,-180,90,180", "hours": 24 * 60}


@dataclass
class Town:
    actors: Actors
    reads: dict[str, str]
    """plate → read id"""
    inside: set[str]
    outside: set[str]
    hold_id: int
    outside_alert: int


def a_town(server: LiveServer) -> Town:
    """Two recent reads in District 3 (one a stolen car); outside it: a stolen car north-east, a read just north, one
    without a position, and one in the district but 10 days old. The administrator holds them all for one case."""
    actors = Actors(server)
    stolen = make_list(actors, name="Stolen", source="manual", category="stolen_vehicle")
    with actors.client(Role.ADMINISTRATOR) as c:
        for plate in ("6ZR4117", "9TT1234"):
            entry = {"plate": plate, "purpose": "case 2026-2210, stolen vehicle reported", "category": "stolen_vehicle"}
            assert c.post(f"/api/v1/hotlists/{stolen['id']}/entries", json=entry).status_code == 201
    now, (lat, lon) = server.clock.now, MAIN_STREET
    payloads = [
        read_payload("6ZR4117", now - dt.timedelta(minutes=5), lat=lat, lon=lon, seed=1),
        read_payload("5HX2290", now - dt.timedelta(hours=3), lat=lat + 0.01, lon=lon - 0.01, seed=2),
        read_payload("9TT1234", now - dt.timedelta(minutes=7), lat=41.30, lon=-73.20, seed=3),
        read_payload("XYZ9876", now - dt.timedelta(minutes=8), lat=41.25, lon=-73.50, seed=4),
        read_payload("AB12345", now - dt.timedelta(minutes=9), lat=None, lon=None, seed=5),
        read_payload("7KD4821", now - dt.timedelta(days=10), lat=lat, lon=lon, seed=6),
    ]
    ingest(server, server.add_unit("car-12"), *payloads)
    reads = {p["plate"]: p["id"] for p in payloads}
    with actors.client(Role.ADMINISTRATOR) as c:
        r = c.post(
            "/api/v1/holds", params=PURPOSE, json={"reason": "preservation letter", "read_ids": list(reads.values())}
        )
        assert r.status_code == 201, r.text
        hold_id = r.json()["id"]
        alerts = c.get("/api/v1/alerts", params=PURPOSE).json()["alerts"]
    outside_alert = next(a["id"] for a in alerts if a["read"]["plate"] == "9TT1234")
    inside = {"6ZR4117", "5HX2290"}
    return Town(actors, reads, inside, set(reads) - inside, hold_id, outside_alert)


def restricted(server: LiveServer, town: Town, role: Role) -> tuple[str, str]:
    """A person of `role` whom the administrator limits to District 3 and the last 7 days: (username, token)."""
    with town.actors.client(Role.INVESTIGATOR) as c:
        r = c.post("/api/v1/areas", json={"name": "District 3", "polygon": DISTRICT_3})
        assert r.status_code in (201, 409), r.text
    person = server.add_person(role)
    with town.actors.client(Role.ADMINISTRATOR) as c:
        body = {"areas": ["District 3"], "newer_than_days": 7}
        r = c.put(f"/api/v1/users/{person.username}/restriction", json=body)
    assert r.status_code == 200, r.text
    return person.username, server.login(person)


def test_an_investigator_saves_an_area_searches_and_maps_by_its_name_and_retires_it(server: LiveServer) -> None:
    town = a_town(server)
    with town.actors.client(Role.INVESTIGATOR) as c:
        r = c.post("/api/v1/areas", json={"name": "  District   3 ", "polygon": DISTRICT_3})
        assert r.status_code == 201, r.text
        assert (
            r.json()["name"] == "District 3"
            and r.json()["created_by"] == town.actors.people[Role.INVESTIGATOR].username
        )
        again = c.post("/api/v1/areas", json={"name": "District 3", "polygon": DISTRICT_3})
        assert (again.status_code, again.json()["error"]) == (409, "area_exists")
        bad = c.post("/api/v1/areas", json={"name": "Pole", "polygon": [[91, 0], [0, 0], [1, 1]]})
        assert bad.status_code == 400 and "latitude 91.0 is outside" in bad.json()["message"]
        slash = c.post("/api/v1/areas", json={"name": "North/South", "polygon": DISTRICT_3})
        assert slash.status_code == 400 and "no '/'" in slash.json()["message"]
        short = c.post("/api/v1/areas", json={"name": "Line", "polygon": [[41, -73], [41.1, -73]]})
        assert short.status_code == 422 and "polygon" in short.text
        assert [a["name"] for a in c.get("/api/v1/areas").json()["areas"]] == ["District 3"]
        found = c.get("/api/v1/reads/search", params={**PURPOSE, "area": "District 3", "hours": 24 * 60}).json()
        expected = {p for p in town.reads if p in ("6ZR4117", "5HX2290", "7KD4821")}  # in the district, any age
        assert {r["plate"] for r in found["reads"]} == expected
        mapped = c.get("/api/v1/reads/map", params={**PURPOSE, "area": "District 3", "hours": 24}).json()
        assert sorted(f["properties"]["plate"] for f in mapped["features"]) == ["5HX2290", "6ZR4117"]
        both = c.get("/api/v1/reads/search", params={**PURPOSE, "area": "District 3", "polygon": "1,1;2,2;1,2"})
        assert both.status_code == 400 and "not both" in both.json()["message"]
        none = c.get("/api/v1/reads/search", params={**PURPOSE, "area": "District 9"})
        assert (none.status_code, none.json()["error"]) == (404, "no_such_area")
    with town.actors.client(Role.OFFICER) as c:
        assert [a["name"] for a in c.get("/api/v1/areas").json()["areas"]] == ["District 3"]  # to search by it
        assert c.post("/api/v1/areas", json={"name": "Mine", "polygon": DISTRICT_3}).status_code == 403
        assert c.post("/api/v1/areas/District 3/retire").status_code == 403
    with town.actors.client(Role.SUPERVISOR) as c:
        assert (
            c.post("/api/v1/areas/District 3/retire").json()["retired_by"]
            == town.actors.people[Role.SUPERVISOR].username
        )
        assert c.get("/api/v1/areas").json()["areas"] == []
        assert [a["name"] for a in c.get("/api/v1/areas", params={"retired": True}).json()["areas"]] == ["District 3"]
        assert c.post("/api/v1/areas/District 3/retire").status_code == 409
        assert c.get("/api/v1/reads/search", params={**PURPOSE, "area": "District 3"}).status_code == 404
    with server.db() as db:
        events = [
            (e.event, e.actor) for e in db.scalars(select(SecurityEvent).where(SecurityEvent.event.like("area_%")))
        ]
    assert events == [
        ("area_added", town.actors.people[Role.INVESTIGATOR].username),
        ("area_retired", town.actors.people[Role.SUPERVISOR].username),
    ]


def test_the_administrator_sets_shows_and_lifts_a_restriction(server: LiveServer) -> None:
    actors = Actors(server)
    officer = server.add_person(Role.OFFICER)
    with actors.client(Role.INVESTIGATOR) as c:
        assert c.post("/api/v1/areas", json={"name": "District 3", "polygon": DISTRICT_3}).status_code == 201
    path = f"/api/v1/users/{officer.username}/restriction"
    since = "2026-11-01T00:00:00Z"
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.get(path).json() == {
            "username": officer.username, "restricted": False, "areas": [], "captured_from": None,
            "captured_until": None, "newer_than_days": None, "set_by": None, "set_at": None,
        }  # fmt: skip
        for body, code, words in (
            ({"areas": []}, "bad_restriction", "at least one"),
            ({"newer_than_days": 0}, "bad_restriction", "newer_than_days: 1 to"),
            ({"captured_from": since, "captured_until": since}, "bad_restriction", "before"),
            ({"areas": ["District 9"]}, "no_such_area", "District 9"),
        ):
            r = c.put(path, json=body)
            assert r.json()["error"] == code and words in r.json()["message"], r.text
        assert c.put("/api/v1/users/nobody/restriction", json={"newer_than_days": 3}).status_code == 404
        r = c.put(path, json={"areas": ["District 3"], "captured_from": since, "newer_than_days": 90})
        assert r.status_code == 200, r.text
        shown = c.get(path).json()
        assert (shown["restricted"], shown["areas"], shown["captured_from"], shown["newer_than_days"]) == (
            True, ["District 3"], "2026-11-01T00:00:00Z", 90,
        )  # fmt: skip
        assert shown["set_by"] == actors.people[Role.ADMINISTRATOR].username
        assert c.delete(path).json()["restricted"] is False
        assert c.delete(path).status_code == 409
    with actors.client(Role.SUPERVISOR) as c:
        assert c.put(path, json={"newer_than_days": 3}).status_code == 403
    with server.db() as db:
        events = db.scalars(select(SecurityEvent).where(SecurityEvent.event.like("restriction_%"))).all()
    assert [(e.event, e.username, e.actor) for e in events] == [
        ("restriction_set", officer.username, actors.people[Role.ADMINISTRATOR].username),
        ("restriction_cleared", officer.username, actors.people[Role.ADMINISTRATOR].username),
    ]
    assert json.loads(events[0].detail) == {
        "areas": ["District 3"], "captured_from": "2026-11-01T00:00:00Z", "captured_until": None, "newer_than_days": 90,
    }  # fmt: skip


def _text(r: httpx.Response) -> str:
    """Everything an answer carries: a ZIP's files unpacked."""
    if r.headers.get("content-type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            return "\n".join(z.read(n).decode("latin-1") for n in z.namelist())
    return r.content.decode("latin-1")


def test_a_restricted_person_sees_nothing_outside_their_area_and_window_on_any_route(server: LiveServer) -> None:
    town = a_town(server)
    username, token = restricted(server, town, Role.ADMINISTRATOR)  # every permission: every route answers them
    outside_ids = {town.reads[p] for p in town.outside}
    markers = outside_ids | {"XYZ9876", "AB12345", "7KD4821"}  # 9TT1234 is on a hot list, which is not a read
    inside_id = town.reads["6ZR4117"]
    walked: list[str] = []
    # The routes that take a read's id go last: the query log, walked before them, would show the ids they asked for.
    table = sorted(routes(), key=lambda t: "{read_id}" in t[1])
    with server.client(token) as c:
        for method, path, route in table:
            rule = rule_of(route)
            if method != "GET" or rule is None or rule.kind in ("public", "unit") or "logout" in path:
                continue
            ids = [*sorted(outside_ids), inside_id] if "{read_id}" in path else [None]
            for read_id in ids:
                url = fill_path(path, uuid.UUID(read_id) if read_id else None)
                url = url.replace("/1/", f"/{town.hold_id}/") if "{hold_id}" in path else url
                url = url.replace("alerts/1", f"alerts/{town.outside_alert}")
                params = {**PURPOSE, **WORLD, "seconds": 1, "after": 0, "limit": 500}
                r = c.get(url, params=params)
                walked.append(f"{path} {r.status_code}")
                leaked = [m for m in markers if m in _text(r) and m != read_id]  # a 404 names the id it was asked
                assert not leaked, f"GET {url} -> {r.status_code} shows {leaked}"
                if read_id in outside_ids:
                    assert r.status_code == 404, f"GET {url} -> {r.status_code}: a read outside must not exist"
                elif read_id == inside_id:
                    assert r.status_code == 200, f"GET {url} -> {r.status_code}: {r.text[:200]}"
        assert c.get(f"/api/v1/alerts/{town.outside_alert}", params=PURPOSE).status_code == 404
        assert c.post(f"/api/v1/alerts/{town.outside_alert}/accept", json={}).status_code == 404
        found = c.get("/api/v1/reads/search", params={**PURPOSE, **WORLD}).json()
        assert sorted(r["plate"] for r in found["reads"]) == sorted(town.inside)
        for plate in town.outside:  # asked for by name, by pattern, by look-alike: still nothing
            for mode in ("exact", "similar"):
                r = c.get("/api/v1/reads/search", params={**PURPOSE, "plate": plate, "mode": mode, "hours": 24 * 60})
                assert [x["plate"] for x in r.json()["reads"] if x["plate"] in town.outside] == [], (plate, mode)
            timeline = c.get("/timeline", params={**PURPOSE, "plate": plate, "hours": 24 * 60})
            assert (
                timeline.status_code == 200 and town.reads[plate] not in timeline.text
            )  # the plate asked for, no read
        evidence = c.get(f"/api/v1/holds/{town.hold_id}/evidence", params=PURPOSE)
        with zipfile.ZipFile(io.BytesIO(evidence.content)) as z:
            manifest: dict[str, Any] = json.loads(z.read("manifest.json"))
        assert sorted(r["plate"] for r in manifest["reads"]) == sorted(town.inside) and "restricted" in manifest
        report = c.get("/api/v1/reports/metrics").json()
        assert (report["reads"], report["alerts"]) == (2, 1)  # the district's recent reads, and the one hit there
    assert len(walked) > 40, walked
    with town.actors.client(Role.ADMINISTRATOR) as c:  # the unrestricted see everything still
        everything = c.get("/api/v1/reads/search", params={**PURPOSE, **WORLD, "bbox": ""}).json()["reads"]
        assert sorted(r["plate"] for r in everything) == sorted(town.reads)
        assert c.get("/api/v1/reports/metrics").json()["reads"] == 6
    with server.db() as db:
        refused = db.scalars(
            select(QueryLogEntry).where(QueryLogEntry.username == username, QueryLogEntry.outcome == "not_found")
        ).all()
    assert refused, "a read outside is answered 404 and logged as not found"


def test_the_database_filter_agrees_with_the_pure_rule(server: LiveServer) -> None:
    """A ring of reads around an irregular polygon: the restricted search returns exactly the ones `in_polygon` says."""
    actors = Actors(server)
    shape = [[41.10, -73.55], [41.10, -73.45], [41.15, -73.45], [41.15, -73.50], [41.20, -73.50], [41.20, -73.55]]
    now = server.clock.now
    payloads = []
    for i in range(60):
        lat, lon = 41.08 + (i % 10) * 0.015, -73.57 + (i // 10) * 0.025
        payloads.append(read_payload(f"RG{i:04d}", now - dt.timedelta(minutes=i + 1), lat=lat, lon=lon, images=False))
    ingest(server, server.add_unit(), *payloads)
    with actors.client(Role.INVESTIGATOR) as c:
        assert c.post("/api/v1/areas", json={"name": "Notched", "polygon": shape}).status_code == 201
    person = server.add_person(Role.OFFICER)
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.put(f"/api/v1/users/{person.username}/restriction", json={"areas": ["Notched"]}).status_code == 200
    with server.client(server.login(person)) as c:
        found = c.get("/api/v1/reads/search", params={**PURPOSE, **WORLD, "limit": 100}).json()["reads"]
    points = [(p[0], p[1]) for p in shape]
    expected = {p["plate"] for p in payloads if in_polygon(p["latitude"], p["longitude"], points)}
    assert 5 < len(expected) < 55
    assert {r["plate"] for r in found} == expected


def test_a_restricted_persons_new_hot_list_entry_raises_alerts_on_every_read_they_see_none_outside(
    server: LiveServer,
) -> None:
    """Historical alerts are the system's work, not the person's view: all retained reads are matched."""
    town = a_town(server)
    _, token = restricted(server, town, Role.INVESTIGATOR)
    with town.actors.client(Role.ADMINISTRATOR) as c:
        stolen = next(h for h in c.get("/api/v1/hotlists").json() if h["name"] == "Stolen")
    with server.client(token) as c:
        entry = {"plate": "XYZ9876", "purpose": "case 2026-2210, stolen vehicle reported", "category": "stolen_vehicle"}
        assert c.post(f"/api/v1/hotlists/{stolen['id']}/entries", json=entry).status_code == 201
        seen = {a["read"]["plate"] for a in c.get("/api/v1/alerts", params=PURPOSE).json()["alerts"]}
    with town.actors.client(Role.ADMINISTRATOR) as c:
        every = {a["read"]["plate"] for a in c.get("/api/v1/alerts", params=PURPOSE).json()["alerts"]}
    assert every == {"6ZR4117", "9TT1234", "XYZ9876"}  # the new entry's read outside the district raised its alert
    assert seen == {"6ZR4117"}
