"""The map of reads and alarms (order IV.B.2, IV.B.4): a search's placed reads as GeoJSON within an area and a time
window, each with the alarms it raised (covert ones for the back office only), and every map in the query log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.querylog.models import QueryLogEntry
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import PURPOSE, LiveServer, read_payload

MAIN_STREET = (41.1468, -73.4948)
AREA = "41.10,-73.55,41.20,-73.45"


def town_with_a_hit(server: LiveServer) -> Actors:
    """Reads in and out of the town's area, one without a position, one old; a stolen car and a covert hit."""
    actors = Actors(server)
    stolen = make_list(actors, name="Stolen", source="manual", category="stolen_vehicle")
    intel = make_list(actors, name="Intel", source="manual", category="bolo", covert=True)
    with actors.client(Role.ADMINISTRATOR) as c:
        for hotlist, plate, category in ((stolen, "6ZR4117", "stolen_vehicle"), (intel, "SPY007", "bolo")):
            entry = {"plate": plate, "purpose": "case 2026-2210, stolen vehicle and narcotics", "category": category}
            assert c.post(f"/api/v1/hotlists/{hotlist['id']}/entries", json=entry).status_code == 201
    now = server.clock.now
    lat, lon = MAIN_STREET
    ingest(
        server,
        server.add_unit("car-12"),
        read_payload("6ZR4117", now - dt.timedelta(minutes=5), lat=lat, lon=lon, images=False),
        read_payload("5HX2290", now - dt.timedelta(minutes=6), lat=lat + 0.001, lon=lon, images=False),
        read_payload("SPY007", now - dt.timedelta(minutes=7), lat=lat - 0.001, lon=lon, images=False),
        read_payload("AB12345", now - dt.timedelta(minutes=8), lat=None, lon=None, images=False),
        read_payload("XYZ9876", now - dt.timedelta(minutes=9), lat=41.30, lon=-73.20, images=False),  # out of town
        read_payload("7KD4821", now - dt.timedelta(hours=30), lat=lat, lon=lon, images=False),  # before the window
    )
    return actors


def mapped(actors: Actors, role: Role, **params: Any) -> Any:
    with actors.client(role) as c:
        r = c.get("/api/v1/reads/map", params={**PURPOSE, "bbox": AREA, "hours": 24, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_reads_in_the_area_and_window_are_placed_with_their_alarms(server: LiveServer) -> None:
    actors = town_with_a_hit(server)
    found = mapped(actors, Role.INVESTIGATOR)
    placed = {f["properties"]["plate"]: f for f in found["features"]}
    assert sorted(placed) == ["5HX2290", "6ZR4117", "SPY007"]  # not out of town, not too old, not unplaced
    assert (found["type"], found["reads"], found["placed"], found["alarms"]) == ("FeatureCollection", 3, 3, 2)
    hit = placed["6ZR4117"]
    assert hit["geometry"] == {"type": "Point", "coordinates": [MAIN_STREET[1], MAIN_STREET[0]]}  # lon, lat
    assert hit["properties"]["alarms"] == [
        {"list": "Stolen", "category": "stolen_vehicle", "category_words": "stolen vehicle", "status": "pending"}
    ]
    assert hit["properties"]["unit"] == "car-12"
    assert hit["properties"]["url"] == f"/reads/{hit['properties']['id']}?context={found['query_log_seq']}"
    assert placed["SPY007"]["properties"]["alarms"][0]["list"] == "Intel"  # investigators see covert hits
    assert placed["5HX2290"]["properties"]["alarms"] == []
    with actors.client(Role.INVESTIGATOR) as c:  # the map's log entry is the purpose for opening its reads
        opened = c.get(f"/api/v1/reads/{hit['properties']['id']}", params={"context": found["query_log_seq"]})
    assert opened.status_code == 200 and opened.json()["plate"] == "6ZR4117"


def test_covert_alarms_stay_in_the_back_office(server: LiveServer) -> None:
    actors = town_with_a_hit(server)
    found = mapped(actors, Role.OFFICER)
    alarms = {f["properties"]["plate"]: f["properties"]["alarms"] for f in found["features"]}
    assert alarms["SPY007"] == [] and len(alarms["6ZR4117"]) == 1
    assert found["alarms"] == 1


def test_a_read_without_a_position_is_counted_not_placed(server: LiveServer) -> None:
    actors = town_with_a_hit(server)
    found = mapped(actors, Role.SUPERVISOR, bbox=None, unit="car-12")
    assert (found["reads"], found["placed"]) == (5, 4)  # AB12345 has no position; 7KD4821 is too old


def test_every_map_is_in_the_query_log_and_needs_a_purpose(server: LiveServer) -> None:
    actors = town_with_a_hit(server)
    found = mapped(actors, Role.INVESTIGATOR, plate="6ZR4117")
    with actors.client(Role.INVESTIGATOR) as c:
        no_purpose = c.get("/api/v1/reads/map", params={"bbox": AREA})
        no_area = c.get("/api/v1/reads/map", params=PURPOSE)
    assert no_purpose.status_code == 400 and "purpose" in no_purpose.json()["message"]
    assert no_area.status_code == 400 and "give a plate, an area" in no_area.json()["message"]
    with actors.client(Role.AUDITOR) as c:
        assert c.get("/api/v1/reads/map", params={**PURPOSE, "bbox": AREA}).status_code == 403
    with server.db() as db:
        entry = db.scalar(select(QueryLogEntry).where(QueryLogEntry.seq == found["query_log_seq"]))
    assert entry is not None
    assert (entry.action, entry.result_count, entry.case_number) == ("map", 1, PURPOSE["case_number"])
    assert entry.parameters["plate"] == "6ZR4117" and entry.parameters["bbox"] == AREA
