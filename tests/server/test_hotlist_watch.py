"""A hot list's watched folder and import schedule through the API: set when it is created, shown with it, and
refused with a 422 naming what is wrong (issue 24, item 2)."""

from __future__ import annotations

from platewatch.domain.roles import Role
from platewatch.server.hotlists.models import HotList
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer

NCIC = {"name": "NCIC", "source": "ncic", "category": "stolen_vehicle", "import_format": "ncic_fixed"}


def test_a_list_is_created_with_its_watched_folder_and_schedule(server: LiveServer) -> None:
    actors = Actors(server)
    made = make_list(actors, **NCIC, watch_folder=" /srv/platewatch/incoming/ncic ", import_every_minutes=60)
    assert (made["watch_folder"], made["import_every_minutes"]) == ("/srv/platewatch/incoming/ncic", 60)
    with actors.client(Role.SUPERVISOR) as c:
        (listed,) = c.get("/api/v1/hotlists").json()
    assert (listed["watch_folder"], listed["import_every_minutes"]) == ("/srv/platewatch/incoming/ncic", 60)
    plain = make_list(actors, name="BOLO", source="manual", category="bolo")
    assert (plain["watch_folder"], plain["import_every_minutes"]) == ("", 0)


def test_a_bad_folder_or_schedule_is_a_422_and_nothing_is_made(server: LiveServer) -> None:
    actors = Actors(server)
    bad = [
        ({"watch_folder": "incoming/ncic", "import_every_minutes": 60}, "absolute path"),
        ({"watch_folder": "/srv/in", "import_every_minutes": 2}, "5 to 1440 minutes"),
        ({"watch_folder": "/srv/in"}, "say how often"),
        ({"import_every_minutes": 60}, "a schedule needs the folder"),
        ({"watch_folder": "/srv/in", "import_every_minutes": 60, "import_format": None}, "import format"),
        ({"watch_folder": "/srv/in", "import_every_minutes": 99999}, "import_every_minutes"),
    ]
    with actors.client(Role.ADMINISTRATOR) as c:
        for extra, words in bad:
            r = c.post("/api/v1/hotlists", json={**NCIC, **extra})
            assert r.status_code == 422, (extra, r.text)
            assert words in r.text, (extra, r.text)
    assert server.count(HotList) == 0
