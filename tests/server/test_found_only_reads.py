"""ADR 0025: a plate the unit found plainly but could not read surely (`found_only`) is stored and shown as found, not
read, and the server matches it against no hot list, on every ingest path (msgspec, pydantic, MessagePack)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import msgspec
import pytest

from platewatch.domain.roles import Role
from platewatch.server.reads import fast_batch
from platewatch.server.reads.models import Read
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import PURPOSE, LiveServer, read_payload

LISTED = ("7XYZ890", "4KLM123")


def post(server: LiveServer, token: str, reads: list[dict[str, Any]], body: str) -> Any:
    with server.client(token) as c:
        if body == "msgpack":
            encoded = msgspec.msgpack.encode({"reads": reads})
            return c.post("/api/v1/reads", content=encoded, headers={"Content-Type": "application/msgpack"})
        return c.post("/api/v1/reads", json={"reads": reads})


@pytest.mark.parametrize("body", ["json", "pydantic", "msgpack"])
def test_a_plate_found_but_not_read_is_kept_shown_and_raises_no_alert(server: LiveServer, body: str) -> None:
    actors = Actors(server)
    hotlist = make_list(actors, name="Stolen", source="manual", category="stolen_vehicle")
    with actors.client(Role.ADMINISTRATOR) as c:
        for plate in LISTED:
            entry = {
                "purpose": "stolen vehicle, case 2026-4111",
                "plate": plate,
                "state": "CT",
                "category": "stolen_vehicle",
            }
            assert c.post(f"/api/v1/hotlists/{hotlist['id']}/entries", json=entry).status_code == 201
    # the unit's unsure guess at a far plate happens to be a listed plate; the other read is an ordinary read
    guess = LISTED[0] if body != "pydantic" else "7xyz-890"  # a plate pydantic normalizes: not msgspec's path
    unread = read_payload(guess, server.clock.now, seed=1, images=False, confidence=0.12, found_only=True)
    read = read_payload(LISTED[1], server.clock.now, seed=2, images=False)
    fast = fast_batch.decode(json.dumps({"reads": [unread, read]}).encode())
    assert (fast is None) == (body == "pydantic")
    assert fast is None or [r.found_only for r in fast] == [True, False]

    r = post(server, server.add_unit(), [unread, read], body)

    assert r.status_code == 200, r.text
    assert "found_only" in r.headers["x-read-fields"]  # a unit may send the field to this server
    with actors.client(Role.OFFICER) as c:
        alerts = c.get("/api/v1/alerts").json()["alerts"]
    assert [a["read"]["plate"] for a in alerts] == [LISTED[1]]
    with server.db() as db:
        stored = {str(x.id): x.found_only for x in db.query(Read)}
    assert stored == {unread["id"]: True, read["id"]: False}
    with actors.client(Role.INVESTIGATOR) as c:
        (found,) = c.get("/api/v1/reads/search", params={**PURPOSE, "plate": LISTED[0]}).json()["reads"]
        page = c.get(f"/reads/{unread['id']}", params=PURPOSE).text
        other = c.get(f"/reads/{read['id']}", params=PURPOSE).text
        export = c.get("/api/v1/reads/export.csv", params={**PURPOSE, "plate": LISTED[0]}).text
    assert found["found_only"] is True and found["id"] == unread["id"]
    assert 'id="found-only"' in page and "found, not read" in page
    assert 'id="found-only"' not in other
    header, row = [line for line in export.splitlines() if line.startswith(("id,", unread["id"]))]
    assert header.split(",")[-1] == "found_only" and row.split(",")[-1] == "1"


def test_a_read_without_the_field_is_an_ordinary_read(server: LiveServer) -> None:
    """What units of an earlier version send: no `found_only`, so read and matched as before."""
    read = read_payload("ABC1234", server.clock.now, images=False)
    assert "found_only" not in read
    r = post(server, server.add_unit(), [read], "json")
    assert r.status_code == 200, r.text
    with server.db() as db:
        row = db.get(Read, uuid.UUID(read["id"]))
    assert row is not None and row.found_only is False


def test_a_found_only_that_is_not_a_boolean_is_refused_by_name(server: LiveServer) -> None:
    bad = read_payload("ABC1234", server.clock.now, images=False, found_only="perhaps")
    r = post(server, server.add_unit(), [bad], "json")
    assert r.status_code == 422
    assert "found_only" in r.text
    assert server.count(Read) == 0


def test_a_plate_listed_later_finds_no_found_only_read_in_the_retained_reads(server: LiveServer) -> None:
    """The retroactive search a new entry starts (order: historical hits for review) leaves the guesses out too."""
    actors = Actors(server)
    unit = server.add_unit()
    earlier = server.clock.now - dt.timedelta(days=2)
    guess = read_payload("KID2026", earlier, seed=1, images=False, state="NY", confidence=0.1, found_only=True)
    read = read_payload("KID2026", earlier, seed=2, images=False, state="NY")
    assert post(server, unit, [guess, read], "json").status_code == 200
    amber = make_list(actors, name="AMBER", source="manual", category="amber")
    with actors.client(Role.SUPERVISOR) as c:
        entry = {"plate": "KID2026", "state": "NY", "category": "amber", "purpose": "AMBER alert 26-7 abducted child"}
        r = c.post(f"/api/v1/hotlists/{amber['id']}/entries", json=entry)
        assert r.status_code == 201 and r.json()["retro_alerts"] == 1
        queue = c.get("/api/v1/alerts", params={"origin": "retro"}).json()["alerts"]
    assert [a["read"]["id"] for a in queue] == [read["id"]]
