"""Repeat suppression over HTTP (issue 24, ADR 0012): a unit that passes a listed car again and again within the
window posts its reads; the server keeps one alert with the passes counted on it, shown by the API and the alerts
page, and raises anew for another unit, another list, a more urgent hit or a pass after the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from platewatch.domain.roles import Role
from platewatch.server.alerts.models import AlertRepeat
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.server.test_retention import run_purge
from tests.server.test_unit_shifts import LISTED, car
from tests.support.live_server import LiveServer, read_payload

PLATE = "7XYZ890"
MIN = dt.timedelta(minutes=1)


def listing(actors: Actors, plate: str, name: str, category: str) -> dict[str, Any]:
    """A manual list (`category` sets its priority) with `plate` of Connecticut on it."""
    hotlist = make_list(actors, name=name, source="manual", category=category)
    with actors.client(Role.ADMINISTRATOR) as c:
        entry = {"purpose": "stolen vehicle, case 2026-4100", "plate": plate, "state": "CT", "category": category}
        r = c.post(f"/api/v1/hotlists/{hotlist['id']}/entries", json=entry)
    assert r.status_code == 201, r.text
    return hotlist


def a_pass(at: dt.datetime, minute: int, state: str = "CT") -> dict[str, Any]:
    """A read of PLATE `minute` minutes after `at`, a little further up Main Street each minute."""
    return read_payload(
        PLATE, at + minute * MIN, state=state, lat=round(41.1468 + minute / 1000, 4), lon=-73.4948, seed=minute
    )


def alerts(actors: Actors) -> list[dict[str, Any]]:
    with actors.client(Role.OFFICER) as c:
        r = c.get("/api/v1/alerts")
    assert r.status_code == 200, r.text
    return sorted(r.json()["alerts"], key=lambda a: a["id"])


def test_the_same_car_passing_again_is_counted_on_its_alert_not_raised_again(server: LiveServer) -> None:
    actors = Actors(server)
    listing(actors, PLATE, "BOLO", "bolo")
    car12, car7 = server.add_unit("car-12"), server.add_unit("car-7")
    t0 = server.clock.now - 20 * MIN  # the patrol's first pass; reads are never from the future
    ingest(server, car12, a_pass(t0, 0))
    [alert] = alerts(actors)
    with actors.client(Role.OFFICER) as c:
        assert c.post(f"/api/v1/alerts/{alert['id']}/accept").status_code == 200

    # Four more passes within four minutes, uploaded in two batches as the unit sends them.
    passes = [a_pass(t0, m) for m in (1, 2, 3, 4)]
    ingest(server, car12, *passes[:2])
    ingest(server, car12, *passes[2:])
    ingest(server, car7, a_pass(t0, 2))  # another unit's pass is its own alert
    got = alerts(actors)
    assert [(a["read"]["unit"], a["status"], a["repeat_count"]) for a in got] == [
        ("car-12", "accepted", 4),
        ("car-7", "pending", 0),
    ]
    standing = got[0]
    assert standing["id"] == alert["id"] and standing["decided_by"]
    assert [(p["read_id"], dt.datetime.fromisoformat(p["captured_at"]), p["latitude"], p["longitude"])
            for p in standing["repeats"]] == [
        (p["id"], dt.datetime.fromisoformat(p["captured_at"]), p["latitude"], p["longitude"]) for p in passes
    ]  # fmt: skip

    # The alerts page shows the passes on the alert, with their times and places.
    with actors.client(Role.OFFICER) as c:
        page = c.get("/alerts")
    assert page.status_code == 200
    assert "Seen again 4 times" in page.text and "not alerted again" in page.text
    for p in passes:
        assert f'data-read="{p["id"]}"' in page.text
        assert f"{dt.datetime.fromisoformat(p['captured_at']).astimezone(dt.UTC):%H:%M:%S}" in page.text  # UTC here
        assert f"{p['latitude']:.5f}, {p['longitude']:.5f}" in page.text

    # The window (10 minutes by default) runs from the alert's pass: the car seen 11 minutes later alerts anew.
    later = a_pass(t0, 11)
    ingest(server, car12, later)
    got = alerts(actors)
    assert [(a["read"]["id"], a["status"], a["repeat_count"]) for a in got][-1] == (later["id"], "pending", 0)
    assert len(got) == 3


def test_never_across_lists_nor_for_a_more_urgent_hit(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = listing(actors, PLATE, "BOLO", "bolo")
    stolen = listing(actors, PLATE, "Stolen", "stolen_vehicle")
    car12 = server.add_unit("car-12")
    t0 = server.clock.now - 5 * MIN
    # A first pass read as a New York plate: its alerts (one per list) stand with a lowered priority (state
    # differs). The next pass reads Connecticut: more urgent, so it alerts; the third is counted on it.
    ingest(server, car12, a_pass(t0, 0, state="NY"), a_pass(t0, 1), a_pass(t0, 2))
    got = alerts(actors)
    by_list = {
        name: [(a["state_match"], a["repeat_count"]) for a in got if a["hotlist"]["id"] == hotlist["id"]]
        for name, hotlist in (("BOLO", bolo), ("Stolen", stolen))
    }
    assert by_list == {"BOLO": [(False, 0), (True, 1)], "Stolen": [(False, 0), (True, 1)]}


def test_the_units_decision_on_a_counted_pass_goes_to_the_alert_that_stands(server: LiveServer) -> None:
    c = car(server)
    first = c.read()
    server.clock.advance(minutes=3)
    again = c.read()  # counted on the first pass's alert: the unit may still have alerted on it
    [result] = c.outcomes(c.decision(again))
    actors = Actors(server)
    [alert] = alerts(actors)
    assert (result["outcome"], result["alert_id"]) == ("recorded", alert["id"])
    assert (alert["read"]["id"], alert["read"]["plate"], alert["status"]) == (first, LISTED, "accepted")
    assert [p["read_id"] for p in alert["repeats"]] == [again]


def test_counted_passes_are_purged_with_their_reads(server: LiveServer) -> None:
    # Retention (order V.D.3): a counted pass holds a read's time and place, so it goes when its read goes.
    actors = Actors(server)
    listing(actors, PLATE, "BOLO", "bolo")
    car12 = server.add_unit("car-12")
    t0 = server.clock.now - 5 * MIN
    ingest(server, car12, a_pass(t0, 0), a_pass(t0, 1), a_pass(t0, 2))
    assert server.count(AlertRepeat) == 2
    server.clock.advance(days=15)
    report = run_purge(server)
    assert (report.reads_deleted, report.alerts_deleted) == (3, 1)
    assert server.count(AlertRepeat) == 0
