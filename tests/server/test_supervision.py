"""Supervisors' duties through the API on both stores (order V.E.2a, V.E.2b, V.E.2e, V.E.2g): officers assigned to
units for a shift, the unit refusing anyone else unless a supervisor overrides it, and commands that limit what a
supervisor sees (units, training, assignments, notices, the inventory, the query log)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.notices import service as notices
from platewatch.server.supervision.models import UnitAssignment
from tests.server.test_unit_shifts import logon
from tests.support.live_server import PURPOSE, LiveServer, Person

H = dt.timedelta(hours=1)


def shift(unit: str, person: Person, start: dt.datetime, hours: float = 8) -> dict[str, Any]:
    ends = start + dt.timedelta(hours=hours)
    return {"unit": unit, "username": person.username, "starts_at": start.isoformat(), "ends_at": ends.isoformat()}


def events(server: LiveServer, event: str) -> list[tuple[str, str, str, str]]:
    """(subject, outcome, detail, actor) of each security event `event`, oldest first."""
    with server.db() as db:
        rows = db.scalars(select(SecurityEvent).where(SecurityEvent.event == event).order_by(SecurityEvent.id))
        return [(e.username, e.outcome, e.detail, e.actor) for e in rows]


def as_person(server: LiveServer, person: Person) -> httpx.Client:
    return server.client(server.login(person))


def test_an_assigned_officer_logs_on_and_one_not_assigned_is_refused(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    sgt, officer, other = (server.add_person(r) for r in (Role.SUPERVISOR, Role.OFFICER, Role.OFFICER))
    with as_person(server, sgt) as c:
        r = c.post(
            "/api/v1/assignments", json=shift("car-12", officer, server.clock.now - 10 * dt.timedelta(minutes=1))
        )
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["unit"], made["username"], made["kind"], made["assigned_by"]) == (
        "car-12", officer.username, "assignment", sgt.username,
    )  # fmt: skip
    refused = logon(server, unit, other, assigned=False)
    assert refused.status_code == 403 and refused.json()["error"] == "not_assigned"
    assert f"{other.username} is not assigned to unit car-12 now" in refused.json()["message"]
    assert logon(server, unit, officer, assigned=False).status_code == 200
    assert events(server, "unit_assigned") == [
        (officer.username, "success", f"assignment {made['id']}: unit car-12 " + span(made), sgt.username)
    ]
    assert [e[:3] for e in events(server, "unit_logon")] == [
        (other.username, "failure", "unit car-12: not assigned to this unit now"),
        (officer.username, "success", f"unit car-12, assignment {made['id']} by {sgt.username}"),
    ]


def span(row: dict[str, Any]) -> str:
    start, end = (dt.datetime.fromisoformat(row[k]) for k in ("starts_at", "ends_at"))
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def test_an_assignment_lets_the_officer_on_only_during_its_shift(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    sgt, officer = server.add_person(Role.SUPERVISOR), server.add_person(Role.OFFICER)
    with as_person(server, sgt) as c:
        assert c.post("/api/v1/assignments", json=shift("car-12", officer, server.clock.now + 2 * H)).status_code == 201
    early = logon(server, unit, officer, assigned=False)
    assert early.status_code == 403 and early.json()["error"] == "not_assigned"
    server.clock.advance(hours=1, minutes=46)  # 14 minutes before the shift: checking the car
    assert logon(server, unit, officer, assigned=False).status_code == 200
    server.clock.advance(hours=8, minutes=15)  # the shift has ended
    late = logon(server, unit, officer, assigned=False)
    assert late.status_code == 403 and late.json()["error"] == "not_assigned"


def test_a_supervisors_override_lets_the_officer_on_and_is_recorded(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    sgt, officer = server.add_person(Role.SUPERVISOR), server.add_person(Role.OFFICER)
    with as_person(server, sgt) as c:
        no_reason = c.post("/api/v1/assignments/overrides", json={"unit": "car-12", "username": officer.username})
        why = "car-7 broke down at the start of the shift"
        r = c.post(
            "/api/v1/assignments/overrides", json={"unit": "car-12", "username": officer.username, "reason": why}
        )
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["kind"], made["reason"], made["assigned_by"]) == ("override", why, sgt.username)
    assert dt.datetime.fromisoformat(made["ends_at"]) == server.clock.now + 12 * H  # twelve hours at most
    assert logon(server, unit, officer, assigned=False).status_code == 200
    [(who, outcome, detail, actor)] = events(server, "logon_override")
    assert (who, outcome, actor) == (officer.username, "success", sgt.username)
    assert detail == f"override {made['id']}: unit car-12 {span(made)}: {why}"
    assert events(server, "unit_logon")[-1][:3] == (
        officer.username, "success", f"unit car-12, override {made['id']} by {sgt.username}: {why}",
    )  # fmt: skip
    with as_person(server, officer) as c:  # an officer cannot let themself on
        r = c.post("/api/v1/assignments/overrides", json={"unit": "car-12", "username": officer.username,
                                                           "reason": "I am taking this car"})  # fmt: skip
    assert r.status_code == 403


def test_assignments_that_cannot_hold_are_refused_and_nothing_is_written(server: LiveServer) -> None:
    server.add_unit("car-12")
    sgt = server.add_person(Role.SUPERVISOR)
    untrained = server.add_person(Role.OFFICER, trained=False)
    auditor, officer = server.add_person(Role.AUDITOR), server.add_person(Role.OFFICER)
    now = server.clock.now
    cases = [
        (shift("car-12", untrained, now), 422, "training_required"),
        (shift("car-12", auditor, now), 422, "not_allowed_on_unit"),
        (shift("car-12", officer, now, hours=17), 422, "bad_shift"),
        (shift("car-12", officer, now - 10 * H), 422, "bad_shift"),  # already over
        (shift("car-99", officer, now), 404, "unit_not_found"),
        ({**shift("car-12", officer, now), "starts_at": "2026-12-06T07:00"}, 422, "invalid_request"),  # no zone
    ]
    with as_person(server, sgt) as c:
        for body, status, code in cases:
            r = c.post("/api/v1/assignments", json=body)
            assert (r.status_code, r.json()["error"]) == (status, code), (body, r.text)
            assert r.json()["message"]
        assert c.post("/api/v1/assignments/1/cancel", json={}).status_code == 404
    assert server.count(UnitAssignment) == 0


def test_a_cancelled_assignment_no_longer_lets_the_officer_on(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    sgt, officer = server.add_person(Role.SUPERVISOR), server.add_person(Role.OFFICER)
    with as_person(server, sgt) as c:
        made = c.post("/api/v1/assignments", json=shift("car-12", officer, server.clock.now)).json()
        r = c.post(f"/api/v1/assignments/{made['id']}/cancel", json={"reason": "sick call"})
        again = c.post(f"/api/v1/assignments/{made['id']}/cancel", json={})
    assert r.status_code == 200 and r.json()["cancelled_by"] == sgt.username
    assert again.status_code == 409
    assert logon(server, unit, officer, assigned=False).json()["error"] == "not_assigned"
    assert events(server, "assignment_cancelled")[0][3] == sgt.username


def commands_of(
    server: LiveServer, admin: Person, people: dict[str, list[Person]], units: dict[str, list[str]]
) -> None:
    """The administrator creates each command and puts its people and units in it."""
    with as_person(server, admin) as c:
        for name in people.keys() | units.keys():
            assert c.post("/api/v1/commands", json={"name": name}).status_code == 201
        for name, members in people.items():
            for p in members:
                r = c.put(f"/api/v1/commands/members/{p.username}", json={"command": name})
                assert r.status_code == 200, r.text
        for name, unit_names in units.items():
            for u in unit_names:
                assert c.put(f"/api/v1/commands/units/{u}", json={"command": name}).status_code == 200


def test_a_supervisor_in_a_command_sees_and_assigns_its_units_and_people_only(server: LiveServer) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    sgt_north, sgt_any = server.add_person(Role.SUPERVISOR), server.add_person(Role.SUPERVISOR)
    north, south = server.add_person(Role.OFFICER), server.add_person(Role.OFFICER)
    for name in ("car-n", "car-s"):
        server.add_unit(name)
    commands_of(
        server, admin, {"North": [sgt_north, north], "South": [south]}, {"North": ["car-n"], "South": ["car-s"]}
    )
    now = server.clock.now
    with as_person(server, sgt_north) as c:
        assert [u["name"] for u in c.get("/api/v1/units/status").json()["units"]] == ["car-n"]
        roster = {p["username"] for p in c.get("/api/v1/training").json()["people"]}
        assert roster == {sgt_north.username, north.username}
        outside = c.post("/api/v1/assignments", json=shift("car-s", north, now))
        stranger = c.post("/api/v1/assignments", json=shift("car-n", south, now))
        assert c.post("/api/v1/assignments", json=shift("car-n", north, now)).status_code == 201
        borrowed = {"unit": "car-n", "username": south.username, "reason": "South lent an officer for the parade"}
        assert c.post("/api/v1/assignments/overrides", json=borrowed).status_code == 201
        listed = c.get("/api/v1/assignments").json()
        assert c.get("/api/v1/commands").status_code == 403  # the administrator keeps commands
    assert (outside.status_code, outside.json()["error"]) == (403, "outside_command")
    assert "unit car-s is not in your command (North)" in outside.json()["message"]
    assert (stranger.status_code, stranger.json()["error"]) == (403, "outside_command")
    assert listed["command"] == "North"
    assert [(a["unit"], a["username"], a["kind"]) for a in listed["assignments"]] == [
        ("car-n", north.username, "assignment"), ("car-n", south.username, "override"),
    ]  # fmt: skip
    with as_person(server, sgt_any) as c:  # a supervisor in no command sees everything
        assert [u["name"] for u in c.get("/api/v1/units/status").json()["units"]] == ["car-n", "car-s"]
        assert c.get("/api/v1/assignments").json()["command"] is None
    with as_person(server, admin) as c:
        listing = {x["name"]: x for x in c.get("/api/v1/commands").json()}
        assert listing["North"]["units"] == ["car-n"]
        assert {m["username"] for m in listing["North"]["members"]} == {sgt_north.username, north.username}
        moved = c.put(f"/api/v1/commands/members/{north.username}", json={"command": None})
        assert moved.json() == {"name": north.username, "command": None, "was": "North"}
        assert c.put("/api/v1/commands/units/car-x", json={"command": "North"}).status_code == 404
        assert c.post("/api/v1/commands", json={"name": "North"}).status_code == 409
    assert (north.username, "success", "command (none), was North", admin.username) in events(server, "command_member")
    assert ("car-n", "success", "command North, was (none)", admin.username) in events(server, "command_unit")


def test_notices_about_a_unit_go_to_the_supervisors_whose_command_holds_it(server: LiveServer) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    sgt_north, sgt_south, sgt_any = (server.add_person(Role.SUPERVISOR) for _ in range(3))
    tokens = {name: server.add_unit(name) for name in ("car-n", "car-s")}
    commands_of(server, admin, {"North": [sgt_north], "South": [sgt_south]}, {"North": ["car-n"], "South": ["car-s"]})
    for token in tokens.values():  # each unit says its disk is nearly full: a notice about each
        with server.client(token) as unit:
            assert unit.get("/api/v1/unit/me", headers={"X-Disk-Free-MiB": "5"}).status_code == 200
    with server.db() as db:
        assert notices.run_once(db, server.settings, server.clock.now)[0] == 2

    def subjects(person: Person) -> list[str]:
        with as_person(server, person) as c:
            return sorted(n["subject"][:10] for n in c.get("/api/v1/notices").json()["notices"])

    assert subjects(sgt_north) == ["Unit car-n"]
    with server.db() as db:
        south_notice = next(n.id for n in notices.listing(db, False) if n.key.startswith("unit car-s"))
    with as_person(server, sgt_north) as c:  # another command's notice is not theirs to acknowledge
        assert c.post(f"/api/v1/notices/{south_notice}/acknowledge").status_code == 404
    with as_person(server, sgt_south) as c:
        assert c.post(f"/api/v1/notices/{south_notice}/acknowledge").status_code == 200
    assert subjects(sgt_south) == ["Unit car-s"]
    assert subjects(sgt_any) == subjects(admin) == ["Unit car-n", "Unit car-s"]


def test_supervisors_read_the_query_log_of_their_people_and_the_inventory_of_their_units(server: LiveServer) -> None:
    admin, keeper = server.add_person(Role.ADMINISTRATOR), server.add_person(Role.EQUIPMENT)
    sgt_north, sgt_any = server.add_person(Role.SUPERVISOR), server.add_person(Role.SUPERVISOR)
    north, south = server.add_person(Role.OFFICER), server.add_person(Role.OFFICER)
    for name in ("car-n", "car-s"):
        server.add_unit(name)
    commands_of(
        server, admin, {"North": [sgt_north, north], "South": [south]}, {"North": ["car-n"], "South": ["car-s"]}
    )
    for officer in (north, south):
        with as_person(server, officer) as c:
            assert c.get("/api/v1/reads/search", params={"plate": "ABC1234", **PURPOSE}).status_code == 200
    with as_person(server, keeper) as c:
        for serial, unit in (("CAM-N1", "car-n"), ("CAM-S1", "car-s")):
            piece = {"serial": serial, "kind": "camera", "unit": unit}
            assert c.post("/api/v1/equipment", json=piece).status_code == 201
    with as_person(server, sgt_north) as c:
        log = c.get("/api/v1/querylog").json()["rows"]
        pieces = c.get("/api/v1/equipment").json()["equipment"]
        assert c.post("/api/v1/equipment", json={"serial": "X1", "kind": "camera"}).status_code == 403  # read-only
        assert c.get("/api/v1/purges").status_code == 200  # counts only, the whole program's
    assert {row["username"] for row in log} == {north.username}
    assert [p["serial"] for p in pieces] == ["CAM-N1"]
    assert events(server, "querylog_viewed")[-1][0] == sgt_north.username  # the log's own access is logged
    with as_person(server, sgt_any) as c:
        everyone = c.get("/api/v1/querylog").json()["rows"]
        assert {row["username"] for row in everyone} >= {north.username, south.username}
        assert [p["serial"] for p in c.get("/api/v1/equipment").json()["equipment"]] == ["CAM-N1", "CAM-S1"]


def test_the_leas_report_counts_undocumented_outcomes_per_supervisor(server: LiveServer) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    sgt_north, sgt_south, sgt_any = (server.add_person(Role.SUPERVISOR) for _ in range(3))
    north, south = server.add_person(Role.OFFICER), server.add_person(Role.OFFICER)
    commands_of(server, admin, {"North": [sgt_north, north], "South": [sgt_south, south]}, {})
    for officer, arrests in ((north, 2), (south, 1)):  # arrests from searches, no LEAS number yet
        with as_person(server, officer) as c:
            for _ in range(arrests):
                seq = c.get("/api/v1/reads/search", params={"plate": "ABC1234", **PURPOSE}).json()["query_log_seq"]
                assert c.post(f"/api/v1/searches/{seq}/outcome", json={"outcome": "arrest"}).status_code == 201
    with as_person(server, admin) as c:
        report = c.get("/api/v1/reports/leas").json()
    assert report["by_supervisor"] == [
        {"supervisor": sgt_any.username, "count": 3},
        {"supervisor": sgt_north.username, "count": 2},
        {"supervisor": sgt_south.username, "count": 1},
    ]
    with as_person(server, sgt_north) as c:
        mine = c.get("/api/v1/reports/leas").json()
        pdf = c.get("/api/v1/reports/leas", params={"format": "csv"})
    assert {g["officer"] for g in mine["undocumented"]} == {north.username}  # their command's officers only
    assert mine["by_officer"] == [{"officer": north.username, "count": 2}]
    assert pdf.status_code == 200
