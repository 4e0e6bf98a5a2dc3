"""Order V.D.3 end to end: a held read keeps the hot-list version it was compared with past that version's own expiry,
and its evidence package carries the list entry that made the hit as it stood then."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.alerts.models import Alert
from platewatch.server.hotlists.models import HotListVersion
from tests.server.hotlists.fixtures import ncic
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.server.test_retention import import_list, run_purge, stored
from tests.support.live_server import PURPOSE, LiveServer, read_payload

STOLEN = ncic("P987654321", "7XYZ890", "CT", ori="CT0000100", date="20261101").encode()
LATER = ncic("A555000111", "KID2026", "NY", ori="NY0000000", date="20261127").encode()  # the stolen car came off


def versions_of(server: LiveServer, list_id: int) -> set[int]:
    with server.db() as db:
        return set(db.scalars(select(HotListVersion.id).where(HotListVersion.hotlist_id == list_id)))


def test_a_held_hit_keeps_its_hotlist_version_past_expiry_and_its_package_shows_the_entry_as_it_stood(
    server: LiveServer,
) -> None:
    actors = Actors(server)
    lst = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle", import_format="ncic_fixed")
    v1 = import_list(actors, lst["id"], STOLEN)
    unit = server.add_unit("car-7")
    hit = read_payload("7XYZ890", server.clock.now, hotlist_version=v1, seed=1)
    ingest(server, unit, hit, read_payload("ABC1234", server.clock.now, hotlist_version=v1, seed=3))
    assert server.count(Alert) == 1
    with actors.client(Role.INVESTIGATOR) as c:
        r = c.post("/api/v1/holds", params=PURPOSE, json={"reason": "subpoena 26-CR-0107", "plate": "7XYZ890"})
    assert r.status_code == 201, r.text
    hold_id = r.json()["id"]

    server.clock.advance(days=10)
    v2 = import_list(Actors(server), lst["id"], LATER)  # version 1, with the stolen car, is replaced
    server.clock.advance(days=15)  # the reads are 25 days old; version 1 was replaced 15 days ago
    report = run_purge(server)
    assert report.reads_held == 1 and report.reads_deleted == 1 and stored(server) == {"7XYZ890"}
    assert server.count(Alert) == 1
    assert {v1, v2} <= versions_of(server, lst["id"])  # past its expiry, kept for the held hit

    later = Actors(server)
    with later.client(Role.INVESTIGATOR) as c:
        r = c.get(f"/api/v1/holds/{hold_id}/evidence", params=PURPOSE)
    assert r.status_code == 200, r.text
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("manifest.json"))
    assert [x["id"] for x in manifest["reads"]] == [hit["id"]]
    (alert,) = manifest["alerts"]
    entry = alert["entry"]
    assert (entry["hotlist"], entry["source"], entry["version"]) == ("NCIC", "ncic", v1)
    assert (entry["plate"], entry["state"], entry["nic"], entry["ori"]) == ("7XYZ890", "CT", "P987654321", "CT0000100")
    assert entry["category"] == "stolen_plate" and alert["hotlist_version"] == v1

    with later.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/holds/{hold_id}/release", json={"note": "case closed"}).status_code == 200
    report = run_purge(server)
    assert report.reads_deleted == 1 and stored(server) == set() and server.count(Alert) == 0
    assert versions_of(server, lst["id"]) == {v2}  # nothing needs version 1 any more
