"""The officer at the unit through the real HTTP API: log-on for the shift (order V.E.8a), log-off, and the
accept/reject keys pressed in the car (V.E.5) reaching the server's alerts, sent again, late or wrong."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from platewatch.domain.hotlists import Category, HotListEntry
from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent, User, UserSession
from platewatch.server.alerts.models import Alert
from platewatch.server.db.engine import transaction
from platewatch.server.hotlists import service as hotlists
from platewatch.server.unit_shifts.models import UnitShift
from tests.server.test_hotlists_api import Actors, ingest
from tests.support.live_server import LiveServer, Person, read_payload

LISTED = "8TRK455"


def logon(
    server: LiveServer, unit: str, person: Person, password: str | None = None, assigned: bool = True
) -> httpx.Response:
    """The person's log-on at the unit; assigned to it first (order V.E.2a) unless `assigned` is False."""
    if assigned:
        server.assign(unit, person)
    server.clock.advance(seconds=31)  # a fresh TOTP step
    body = {"username": person.username, "password": password or person.password, "otp": server.totp(person)}
    with server.client(unit) as c:
        return c.post("/api/v1/unit/logon", json=body)


def events(server: LiveServer, username: str) -> list[tuple[str, str, str]]:
    with server.db() as db:
        rows = db.scalars(select(SecurityEvent).where(SecurityEvent.username == username).order_by(SecurityEvent.id))
        return [(e.event, e.outcome, e.detail) for e in rows]


def shifts(server: LiveServer) -> list[UnitShift]:
    with server.db() as db:
        return list(db.scalars(select(UnitShift).order_by(UnitShift.id)))


def alerts(server: LiveServer) -> list[Alert]:
    with server.db() as db:
        return list(db.scalars(select(Alert).order_by(Alert.id)))


@dataclass
class Car:
    """A unit with an officer logged on, a BOLO list holding LISTED, and the unit's reads."""

    server: LiveServer
    token: str
    officer: Person
    shift: int
    list_id: int
    version: int

    def read(self, plate: str = LISTED, state: str = "CT", token: str | None = None) -> str:
        body = read_payload(plate, self.server.clock.now, state=state)
        ingest(self.server, token or self.token, body)
        return str(body["id"])

    def decision(self, read_id: str, decision: str = "accepted", **change: Any) -> dict[str, Any]:
        self.server.clock.advance(seconds=5)
        item = {
            "id": str(uuid.uuid4()), "read_id": read_id, "shift": self.shift, "list_id": self.list_id,
            "plate": LISTED, "state": "CT", "matched_text": LISTED, "match_kind": "exact",
            "hotlist_version": self.version, "decision": decision,
            "reject_reason": "misread" if decision == "rejected" else None, "note": "",
            "decided_at": self.server.clock.now.isoformat(),
        }  # fmt: skip
        item.update(change)
        return item

    def send(self, *items: dict[str, Any], token: str | None = None) -> httpx.Response:
        with self.server.client(token or self.token) as c:
            return c.post("/api/v1/unit/alert-decisions", json={"decisions": list(items)})

    def outcomes(self, *items: dict[str, Any]) -> list[dict[str, Any]]:
        r = self.send(*items)
        assert r.status_code == 200, r.text
        results: list[dict[str, Any]] = r.json()["results"]
        assert [x["id"] for x in results] == [i["id"] for i in items]
        return results


def car(server: LiveServer, name: str = "car-12") -> Car:
    with transaction(server.sessions) as db:
        bolo = hotlists.create_list(db, name="BOLO", source="manual", category=Category.BOLO, actor="t",
                                    now=server.clock.now)  # fmt: skip
        entry = HotListEntry(LISTED, "CT", Category.BOLO, purpose="armed robbery suspect vehicle, case 26-118")
        version = hotlists.add_manual_entry(db, bolo, entry, actor="t", now=server.clock.now)
        list_id, version_id = bolo.id, version.id
    token = server.add_unit(name)
    officer = server.add_person(Role.OFFICER)
    r = logon(server, token, officer)
    assert r.status_code == 200, r.text
    return Car(server, token, officer, r.json()["shift"], list_id, version_id)


def test_logon_opens_a_shift_without_a_web_session(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    officer = server.add_person(Role.OFFICER)
    assert officer.totp_secret is not None
    r = logon(server, unit, officer)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["username"] == officer.username and body["role"] == "officer"
    assert dt.datetime.fromisoformat(body["started_at"]) == server.clock.now
    [shift] = shifts(server)
    assert shift.id == body["shift"] and shift.username == officer.username and shift.ended_at is None
    year_on = server.clock.now.date() + dt.timedelta(days=365)
    assert events(server, officer.username) == [
        ("user_created", "success", "role=officer"),
        ("training_recorded", "success", f"LPR operator, GO 14-01-117 until {year_on}"),
        ("unit_logon", "success", "unit car-12, assignment 1 by test"),
    ]  # fmt: skip
    assert server.count(UserSession) == 0
    # The code just used cannot be used again, here or on the web.
    with server.client(unit) as c:
        body = {"username": officer.username, "password": officer.password, "otp": server.totp(officer)}
        assert c.post("/api/v1/unit/logon", json=body).status_code == 401
        assert c.post("/api/v1/unit/logon", json={**body, "extra": 1}).status_code == 422


def test_bad_password_is_refused_recorded_and_counted_to_lockout(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    officer = server.add_person(Role.OFFICER)
    r = logon(server, unit, officer, password="not the password")
    assert r.status_code == 401 and r.json()["error"] == "bad_credentials"
    assert r.json()["message"] == "wrong username, password or code"
    assert events(server, officer.username)[-1] == ("unit_logon", "failure", "unit car-12: bad password or code")
    with server.db() as db:
        assert db.scalar(select(User.failed_logins).where(User.username == officer.username)) == 1
    for _ in range(4):
        logon(server, unit, officer, password="not the password")
    locked = logon(server, unit, officer)
    assert locked.status_code == 401 and locked.json()["error"] == "bad_credentials"  # as a wrong password
    assert ("lockout", "success", "locked for 10 minutes at unit car-12") in events(server, officer.username)
    assert shifts(server) == []


def test_roles_that_do_not_decide_alerts_cannot_log_on(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    for role in (Role.DISPATCHER, Role.AUDITOR):
        person = server.add_person(role)
        r = logon(server, unit, person)
        assert r.status_code == 403 and r.json()["error"] == "not_allowed_on_unit", r.text
        assert events(server, person.username)[-1] == (
            "unit_logon", "failure", f"unit car-12: role {role.value} may not decide alerts")  # fmt: skip
    assert shifts(server) == []
    assert logon(server, unit, server.add_person(Role.SUPERVISOR)).status_code == 200


def test_logon_replaces_the_open_shift_and_logoff_ends_it(server: LiveServer) -> None:
    unit, other_unit = server.add_unit("car-12"), server.add_unit("car-7")
    first, second = server.add_person(Role.OFFICER), server.add_person(Role.SUPERVISOR)
    elsewhere = logon(server, other_unit, server.add_person(Role.OFFICER)).json()["shift"]
    a = logon(server, unit, first).json()["shift"]
    b = logon(server, unit, second).json()["shift"]
    by_id = {s.id: s for s in shifts(server)}
    assert by_id[a].end_reason == "replaced" and by_id[a].ended_at == server.clock.now
    assert by_id[b].ended_at is None and by_id[elsewhere].ended_at is None
    with server.client(unit) as c:
        server.clock.advance(minutes=30)
        r = c.post("/api/v1/unit/logoff", json={"shift": b})
        assert r.status_code == 200, r.text
        assert r.json()["shift"] == b and dt.datetime.fromisoformat(r.json()["ended_at"]) == server.clock.now
        server.clock.advance(minutes=1)
        again = c.post("/api/v1/unit/logoff", json={"shift": b})
        assert again.status_code == 200 and again.json() == r.json()
        for missing in (elsewhere, 9999):
            r = c.post("/api/v1/unit/logoff", json={"shift": missing})
            assert r.status_code == 404 and r.json()["error"] == "shift_not_found"
    assert [s.end_reason for s in shifts(server)] == [None, "replaced", "logoff"]
    assert [e for e in events(server, second.username) if e[0] == "unit_logoff"] == [
        ("unit_logoff", "success", "unit car-12")]  # fmt: skip


def test_a_log_off_sent_late_by_an_offline_unit_keeps_its_own_time(server: LiveServer) -> None:
    unit = server.add_unit("car-12")
    officer, relief = server.add_person(Role.OFFICER), server.add_person(Role.OFFICER)
    first = logon(server, unit, officer).json()["shift"]
    started = server.clock.now
    logged_off = started + dt.timedelta(hours=2)  # on the unit, out of coverage
    server.clock.advance(hours=3)
    second = logon(server, unit, relief).json()["shift"]  # back in coverage: the next officer's log-on
    with server.client(unit) as c:
        for bad in (started - dt.timedelta(minutes=10), server.clock.now + dt.timedelta(minutes=10)):
            r = c.post("/api/v1/unit/logoff", json={"shift": first, "ended_at": bad.isoformat()})
            assert r.status_code == 422 and r.json()["error"] == "invalid_logoff_time"
        r = c.post("/api/v1/unit/logoff", json={"shift": first, "ended_at": logged_off.isoformat()})
        assert r.status_code == 200 and dt.datetime.fromisoformat(r.json()["ended_at"]) == logged_off
        slightly_ahead = server.clock.now + dt.timedelta(minutes=2)  # a car clock running ahead, within the skew
        r = c.post("/api/v1/unit/logoff", json={"shift": second, "ended_at": slightly_ahead.isoformat()})
        assert dt.datetime.fromisoformat(r.json()["ended_at"]) == server.clock.now
        again = c.post("/api/v1/unit/logoff", json={"shift": first, "ended_at": started.isoformat()})
        assert dt.datetime.fromisoformat(again.json()["ended_at"]) == logged_off  # a log-off is not moved again
    by_id = {s.id: s for s in shifts(server)}
    assert (by_id[first].end_reason, by_id[first].ended_at) == ("logoff", logged_off)
    assert (by_id[second].end_reason, by_id[second].ended_at) == ("logoff", server.clock.now)
    assert any("while offline" in e[2] for e in events(server, officer.username) if e[0] == "unit_logoff")


def test_decision_on_an_alert_raised_at_ingest_and_sent_again(server: LiveServer) -> None:
    c = car(server)
    read_id = c.read()
    [raised] = alerts(server)
    assert raised.status == "pending" and raised.origin == "ingest"
    accept = c.decision(read_id)
    [result] = c.outcomes(accept)
    assert result["outcome"] == "recorded" and result["alert_id"] == raised.id, result
    [alert] = alerts(server)
    assert alert.status == "accepted" and alert.decided_by == c.officer.username
    assert alert.decided_at == dt.datetime.fromisoformat(accept["decided_at"])
    server.clock.advance(minutes=2)
    [again] = c.outcomes(accept)  # the answer was lost: the unit sends the batch again
    assert again["outcome"] == "already_recorded" and again["alert_id"] == raised.id
    assert alerts(server)[0].decided_at == alert.decided_at
    actors = Actors(server)
    with actors.client(Role.DISPATCHER) as web:  # dispatch verifies what the officer accepted in the car
        r = web.post(f"/api/v1/alerts/{raised.id}/verify", json={"confirmed": True, "note": "NCIC: active"})
        assert r.status_code == 200 and r.json()["status"] == "confirmed"
    [late] = c.outcomes(accept)
    assert late["outcome"] == "already_recorded"


def test_unit_only_hit_raises_the_alert_on_the_units_version(server: LiveServer) -> None:
    c = car(server)
    with transaction(server.sessions) as db:  # the entry leaves the list after the unit downloaded it
        bolo = hotlists.get_list(db, c.list_id)
        hotlists.remove_entry(db, bolo, LISTED, "CT", actor="t", now=server.clock.now, reason="vehicle recovered")
    read_id = c.read("8TRK4S5", state="NY")  # the pass's vote; one frame read the listed plate
    assert alerts(server) == []
    reject = c.decision(read_id, "rejected", reject_reason="vehicle_mismatch", note="a white sedan, not a van",
                        matched_text="8TRK4S5", match_kind="lookalike")  # fmt: skip
    [result] = c.outcomes(reject)
    assert result["outcome"] == "recorded", result
    [alert] = alerts(server)
    assert result["alert_id"] == alert.id and alert.origin == "unit" and str(alert.read_id) == read_id
    assert (alert.status, alert.reject_reason, alert.reject_note) == ("rejected", "vehicle_mismatch", reject["note"])
    assert alert.version_id == c.version and alert.hotlist_id == c.list_id
    assert (alert.match_kind, alert.matched_text) == ("lookalike", "8TRK4S5")
    assert alert.reason == "look-alike characters (S~5) in 8TRK4S5 read on the unit"
    assert alert.state_match is False and alert.priority == 3 + 3  # BOLO, lowered for the other state
    with server.db() as db:
        assert db.scalar(select(func.count()).select_from(UnitShift)) == 1
    [again] = c.outcomes(reject)
    assert again["outcome"] == "already_recorded" and again["alert_id"] == alert.id
    with Actors(server).client(Role.SUPERVISOR) as web:  # the web queue and the live feed show it
        queue = web.get("/api/v1/alerts", params={"origin": "unit"}).json()["alerts"]
        with web.stream("GET", "/api/v1/alerts/stream", params={"after": 0, "seconds": 1}) as r:
            feed = [json.loads(line[6:]) for line in r.iter_lines() if line.startswith("data: ")]
    assert [(a["id"], a["status"], a["decided_by"]) for a in queue] == [(alert.id, "rejected", c.officer.username)]
    assert [(a["id"], a["origin"]) for a in feed] == [(alert.id, "unit")]


def test_reads_not_stored_and_other_units_reads(server: LiveServer) -> None:
    c = car(server)
    theirs = c.read(token=server.add_unit("car-7"))
    assert len(alerts(server)) == 1
    results = c.outcomes(c.decision(str(uuid.uuid4())), c.decision(theirs))
    assert [r["outcome"] for r in results] == ["read_not_stored", "read_not_stored"]
    assert all(r["alert_id"] is None and "upload it first" in r["message"] for r in results)
    assert [a.status for a in alerts(server)] == ["pending"]


def test_conflict_with_a_decision_taken_on_the_web(server: LiveServer) -> None:
    c = car(server)
    read_id = c.read()
    [raised] = alerts(server)
    actors = Actors(server)
    with actors.client(Role.SUPERVISOR) as web:
        assert web.post(f"/api/v1/alerts/{raised.id}/reject", json={"reason": "misread"}).status_code == 200
    same_by_another = c.decision(read_id, "rejected", reject_reason="misread")
    for item in (c.decision(read_id), c.decision(read_id, "rejected", reject_reason="wrong_state"), same_by_another):
        [result] = c.outcomes(item)
        assert result["outcome"] == "conflict" and result["alert_id"] == raised.id, result
        assert "rejected by " + actors.people[Role.SUPERVISOR].username in result["message"]
    [alert] = alerts(server)
    assert (alert.status, alert.reject_reason) == ("rejected", "misread")
    assert alert.decided_by == actors.people[Role.SUPERVISOR].username


def test_refusals_change_nothing(server: LiveServer) -> None:
    c = car(server)
    read_id = c.read()
    unheard = c.read("XYZ9876")  # the server raised nothing for it
    other = logon(server, server.add_unit("car-7"), server.add_person(Role.OFFICER)).json()["shift"]
    before_shift = shifts(server)[0].started_at - dt.timedelta(minutes=5, seconds=1)  # beyond any clock skew
    cases = {
        "another unit's shift": c.decision(read_id, shift=other),
        "before the shift": c.decision(read_id, decided_at=before_shift.isoformat()),
        "other without a note": c.decision(read_id, "rejected", reject_reason="other", note="  "),
        "unit-only hit, other without a note": c.decision(unheard, "rejected", reject_reason="other"),
        "rejected without a reason": c.decision(read_id, "rejected", reject_reason=None),
        "no such list": c.decision(unheard, list_id=999),
        "not on the list": c.decision(unheard, plate="ZZZ1111"),
        "not that kind of match": c.decision(unheard, matched_text="XYZ9876", match_kind="one_edit"),
    }
    results = c.outcomes(*cases.values())
    for case, result in zip(cases, results, strict=True):
        assert result["outcome"] == "refused", (case, result)
        assert result["alert_id"] in (None, alerts(server)[0].id), (case, result)
    messages = [r["message"] for r in results]
    assert "not a shift of this unit" in messages[0] and "before shift" in messages[1]
    assert "needs a note" in messages[2] and "needs a note" in messages[3] and "needs a reason" in messages[4]
    assert "no hot list 999" in messages[5] and "ZZZ1111 CT is not on hot list 'BOLO'" in messages[6]
    assert "XYZ9876 is not a one_edit match of 8TRK455" in messages[7]
    assert [(a.status, str(a.read_id)) for a in alerts(server)] == [("pending", read_id)]


@pytest.mark.server_settings(alert_repeat_minutes=0)  # each pass of the car its own alert (ADR 0012)
def test_decisions_around_the_shift_allow_for_the_units_clock(server: LiveServer) -> None:
    # Five minutes to finish an alert after logging off, and five more for a car computer's clock that is off.
    c = car(server)
    first, second, third = c.read(), c.read(state="CT"), c.read(state="NY")
    started = shifts(server)[0].started_at
    early = c.decision(third, decided_at=(started - dt.timedelta(minutes=4)).isoformat())  # the unit's clock is behind
    with server.client(c.token) as client:
        assert client.post("/api/v1/unit/logoff", json={"shift": c.shift}).status_code == 200
    ended = server.clock.now
    late = c.decision(first, decided_at=(ended + dt.timedelta(minutes=9)).isoformat())
    too_late = c.decision(second, decided_at=(ended + dt.timedelta(minutes=11)).isoformat())
    assert [r["outcome"] for r in c.outcomes(early, late, too_late)] == ["recorded", "recorded", "refused"]
    assert sorted(a.status for a in alerts(server)) == ["accepted", "accepted", "pending"]


def shift_status(server: LiveServer, token: str, shift: int) -> httpx.Response:
    with server.client(token) as c:
        return c.get(f"/api/v1/unit/shifts/{shift}")


@pytest.mark.server_settings(alert_repeat_minutes=0)  # each pass of the car its own alert (ADR 0012)
def test_the_server_ends_the_shift_of_an_officer_who_may_no_longer_take_alerts(server: LiveServer) -> None:
    # Order V.A.1: an officer whose account is disabled, or whose role changes, stops taking alerts in the car at
    # once; revoking a unit ends its shift too. Decisions taken before the end still count; later ones do not.
    c = car(server)
    before, after = c.read(), c.read(state="CT")
    taken_before = c.decision(before)
    r = shift_status(server, c.token, c.shift)
    assert r.status_code == 200 and r.json()["ended_at"] is None and r.json()["end_reason"] is None
    actors = Actors(server)
    with actors.client(Role.ADMINISTRATOR) as admin:
        server.clock.advance(minutes=1)
        assert admin.post(f"/api/v1/users/{c.officer.username}/disable").status_code == 200
    disabled_at = server.clock.now
    status = shift_status(server, c.token, c.shift).json()
    assert (status["end_reason"], dt.datetime.fromisoformat(status["ended_at"])) == ("disabled", disabled_at)
    assert "account was disabled" in status["message"] and "Nobody is logged on" in status["message"]
    # A decision from within the shift, sent late, is recorded; one taken after the end is refused, with no
    # after-shift minutes, only the unit clock's five.
    taken_after = c.decision(after, decided_at=(disabled_at + dt.timedelta(minutes=6)).isoformat())
    results = c.outcomes(taken_before, taken_after)
    assert [x["outcome"] for x in results] == ["recorded", "refused"]
    assert "the server ended shift" in results[1]["message"] and "disabled" in results[1]["message"]
    assert sorted(a.status for a in alerts(server)) == ["accepted", "pending"]
    disabled_events = [e for e in events(server, c.officer.username) if e[0] == "user_disabled"]
    assert disabled_events == [("user_disabled", "success", f"unit shift(s) {c.shift} ended")]

    promoted, other = server.add_person(Role.OFFICER), server.add_person(Role.OFFICER)
    unit_a, unit_b = server.add_unit("car-30"), server.add_unit("car-31")
    shift_a = logon(server, unit_a, promoted).json()["shift"]
    shift_b = logon(server, unit_b, other).json()["shift"]
    with actors.client(Role.ADMINISTRATOR) as admin:
        r = admin.post(f"/api/v1/users/{promoted.username}/role", json={"role": "auditor"})
        assert r.status_code == 200, r.text
        assert admin.post("/api/v1/units/car-31/revoke").status_code == 200
    assert shift_status(server, unit_a, shift_a).json()["end_reason"] == "role_changed"
    assert shift_status(server, unit_b, shift_b).status_code == 401  # a revoked unit asks nothing more
    by_id = {s.id: s for s in shifts(server)}
    assert (by_id[shift_b].end_reason, by_id[shift_b].ended_at) == ("unit_revoked", server.clock.now)
    role_events = [e for e in events(server, promoted.username) if e[0] == "role_changed"]
    assert role_events == [("role_changed", "success", f"officer -> auditor; unit shift(s) {shift_a} ended")]
    # Another unit's shift is as unknown as one that does not exist.
    for unknown in (shift_a, 9999):
        r = shift_status(server, c.token, unknown)
        assert r.status_code == 404 and r.json()["error"] == "shift_not_found"


def test_a_lockout_or_a_new_password_leaves_the_shift_open(server: LiveServer) -> None:
    # Failed log-ins by someone else must not throw the officer out of the car; a forgotten password neither.
    c = car(server)
    actors = Actors(server)
    for _ in range(5):
        logon(server, server.add_unit(), c.officer, "not the password")
    with actors.client(Role.ADMINISTRATOR) as admin:
        assert admin.post(f"/api/v1/users/{c.officer.username}/password").status_code == 200
    assert shift_status(server, c.token, c.shift).json()["ended_at"] is None


def test_invalid_body_is_422_and_writes_nothing(server: LiveServer) -> None:
    c = car(server)
    read_id = c.read()
    good, bad = c.decision(read_id), c.decision(read_id, decision="maybe")
    r = c.send(good, bad)
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"
    assert [d["loc"] for d in r.json()["details"]] == ["decisions[1].decision"]
    naive = c.decision(read_id, decided_at=server.clock.now.replace(tzinfo=None).isoformat())
    for body in ({"decisions": []}, {"decisions": [good], "extra": 1}, {"decisions": [{**good, "plate": "8trk 455"}]},
                 {"decisions": [naive]}, {"decisions": [good] * 501}):  # fmt: skip
        with server.client(c.token) as client:
            assert client.post("/api/v1/unit/alert-decisions", json=body).status_code == 422, body
    assert [a.status for a in alerts(server)] == ["pending"]
    with server.client() as anonymous:
        assert anonymous.post("/api/v1/unit/alert-decisions", json={"decisions": [good]}).status_code == 401


@pytest.mark.server_settings(alert_repeat_minutes=0)  # each pass of the car its own alert (ADR 0012)
def test_a_batch_mixing_outcomes_keeps_the_good_ones(server: LiveServer) -> None:
    c = car(server)
    a, b = c.read(), c.read()
    unheard, unheard_too = c.read("XYZ9876"), c.read("XYZ9877")  # the server raised nothing for these
    batch = [
        c.decision(a),
        c.decision(unheard_too, "rejected", reject_reason="other"),  # refused after its alert was raised: undone
        c.decision(str(uuid.uuid4())),
        c.decision(b, "rejected", reject_reason="other", note="plate on a trailer, not the car"),
        c.decision(unheard),
    ]
    outcomes = [r["outcome"] for r in c.outcomes(*batch)]
    assert outcomes == ["recorded", "refused", "read_not_stored", "recorded", "recorded"]
    got = {(str(x.read_id), x.origin): (x.status, x.reject_reason) for x in alerts(server)}
    assert got == {
        (a, "ingest"): ("accepted", None),
        (b, "ingest"): ("rejected", "other"),
        (unheard, "unit"): ("accepted", None),
    }
