"""A list's settings changed and a list retired through the API, as the list's page and the CLI do: the fields given
change, the result meets a new list's rules, each change a version saying what changed, bad input a 4xx naming it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.hotlists.models import HotListVersion
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer


def patch(actors: Actors, list_id: int, role: Role = Role.ADMINISTRATOR, **body: Any) -> Any:
    with actors.client(role) as c:
        return c.patch(f"/api/v1/hotlists/{list_id}", json=body)


def notes(server: LiveServer, list_id: int) -> list[tuple[str, str, str]]:
    with server.sessions() as db:
        rows = db.scalars(
            select(HotListVersion).where(HotListVersion.hotlist_id == list_id).order_by(HotListVersion.id)
        )
        return [(v.change, v.note, v.created_by) for v in rows]


def test_the_fields_given_change_and_each_change_is_a_version_saying_what(server: LiveServer) -> None:
    actors = Actors(server)
    ncic = make_list(actors, name="NCIC", source="ncic", category="stolen_vehicle", import_format="ncic_fixed")
    r = patch(actors, ncic["id"], watch_folder=" /srv/platewatch/incoming/ncic ", import_every_minutes=60)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["watch_folder"] == "/srv/platewatch/incoming/ncic" and body["import_every_minutes"] == 60
    assert body["name"] == "NCIC" and body["category"] == "stolen_vehicle" and body["import_format"] == "ncic_fixed"
    admin = actors.people[Role.ADMINISTRATOR].username
    change, note, by = notes(server, ncic["id"])[-1]
    assert (change, by) == ("settings", admin)
    assert "watched folder" in note and "import every (minutes)" in note and "name" not in note

    r = patch(actors, ncic["id"], alert_colour="orange", state_filter="ct, ny", priority=2)
    assert r.status_code == 200, r.text
    assert (r.json()["alert_colour"], r.json()["state_filter"], r.json()["priority"]) == ("orange", "CT,NY", 2)
    assert r.json()["watch_folder"] == "/srv/platewatch/incoming/ncic"  # what was not given stays

    before = len(notes(server, ncic["id"]))
    r = patch(actors, ncic["id"], alert_colour="orange")  # nothing changed: no version
    assert r.status_code == 200 and len(notes(server, ncic["id"])) == before

    r = patch(actors, ncic["id"], watch_folder="", import_every_minutes=0)  # the folder is no longer watched
    assert r.status_code == 200 and r.json()["watch_folder"] == "" and r.json()["import_every_minutes"] == 0
    with server.sessions() as db:
        events = db.scalars(select(SecurityEvent.actor).where(SecurityEvent.event == "hotlist_settings")).all()
    assert len(events) == 3


def test_a_change_that_breaks_a_rule_is_refused_whole_and_names_what(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    make_list(actors, name="Taken", source="manual", category="bolo")
    before = notes(server, bolo["id"])
    cases = [
        ({"watch_folder": "/srv/in"}, 422, "bad_settings", "import every"),  # a folder needs a schedule…
        ({"watch_folder": "/srv/in", "import_every_minutes": 60}, 422, "bad_settings", "import format"),  # …a format
        ({"watch_folder": "incoming", "import_every_minutes": 60}, 422, "bad_settings", "absolute path"),
        ({"alert_colour": "green", "priority": 3}, 422, "invalid_request", "alert_colour"),
        ({"import_format": "excel"}, 422, "bad_settings", "not an import format; one of ca_clew"),
        ({"colour": "red"}, 422, "invalid_request", "colour"),
        ({"name": "Taken"}, 409, "list_exists", "Taken"),
    ]
    for body, status, code, words in cases:
        r = patch(actors, bolo["id"], **body)
        assert r.status_code == status and r.json()["error"] == code and words in r.text, (body, r.text)
    assert notes(server, bolo["id"]) == before  # nothing partly written
    assert patch(actors, 999_999, priority=3).status_code == 404
    assert patch(actors, bolo["id"], Role.OFFICER, priority=3).status_code == 403


def test_a_retired_list_stops_and_cannot_be_changed_or_retired_again(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.OFFICER) as c:
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/retire", json={"reason": "case closed"}).status_code == 403
    with actors.client(Role.ADMINISTRATOR) as c:
        empty = c.post(f"/api/v1/hotlists/{bolo['id']}/retire", json={"reason": ""})
        assert empty.status_code == 422, empty.text
        r = c.post(f"/api/v1/hotlists/{bolo['id']}/retire", json={"reason": "case 26-0107 closed"})
        assert r.status_code == 200 and r.json()["entry_count"] == 0, r.text
        again = c.post(f"/api/v1/hotlists/{bolo['id']}/retire", json={"reason": "again"})
        assert again.status_code == 409 and again.json()["error"] == "retired", again.text
    assert notes(server, bolo["id"])[-1][:2] == ("retire", "retired: case 26-0107 closed")
    r = patch(actors, bolo["id"], priority=3)
    assert r.status_code == 409 and r.json()["error"] == "retired", r.text
