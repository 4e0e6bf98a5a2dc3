"""Training records (order V.B.1f-h) and the rule that only trained people reach LPR data (V.D.2): an untrained
officer is refused the search, the alert queue and the unit's log-on until the course is recorded; a course counts
for a year; the roster shows who is untrained or due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from tests.support.live_server import PURPOSE, LiveServer, Person


def course(person: Person, completed_on: dt.date, **change: Any) -> dict[str, Any]:
    return {
        "username": person.username,
        "course": "LPR operator, GO 14-01-117",
        "completed_on": completed_on.isoformat(),
        "trainer": "Sgt. Rivera",
        **change,
    }


def searched(server: LiveServer, token: str) -> Any:
    with server.client(token) as c:
        return c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "ABC1234"})


def test_an_untrained_officer_reaches_no_data_until_the_course_is_recorded(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER, trained=False)
    admin = server.add_person(Role.ADMINISTRATOR)
    token = server.login(officer)  # the account works: logging in is not reaching data
    refused = searched(server, token)
    assert refused.status_code == 403 and refused.json()["error"] == "training_required"
    assert officer.username in refused.json()["message"] and "V.D.2" in refused.json()["message"]
    assert "/training" in refused.json()["message"]  # where the course is recorded
    with server.client(token) as c:
        assert c.get("/api/v1/alerts").status_code == 403
        assert c.get("/api/v1/me").status_code == 200
    today = server.clock.now.date()
    with server.client(server.login(admin)) as c:
        r = c.post("/api/v1/training", json=course(officer, today - dt.timedelta(days=3)))
    assert r.status_code == 201, r.text
    assert r.json()["expires_on"] == (today - dt.timedelta(days=3) + dt.timedelta(days=365)).isoformat()
    assert r.json()["recorded_by"] == admin.username
    assert searched(server, token).status_code == 200
    with server.db() as db:
        event = db.scalars(select(SecurityEvent).where(SecurityEvent.event == "training_recorded")).all()[-1]
    assert (event.username, event.actor) == (officer.username, admin.username)


def test_training_lapses_after_a_year(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER, trained=False)
    supervisor = server.add_person(Role.SUPERVISOR)
    today = server.clock.now.date()
    with server.client(server.login(supervisor)) as c:  # supervisors keep their people's training (V.E.2d)
        assert c.post("/api/v1/training", json=course(officer, today - dt.timedelta(days=366))).status_code == 201
    refused = searched(server, server.login(officer))
    assert refused.status_code == 403 and refused.json()["error"] == "training_required"


def test_bad_training_records_are_refused_and_nothing_is_written(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER, trained=False)
    today = server.clock.now.date()
    with server.client(server.login(server.add_person(Role.ADMINISTRATOR))) as c:
        future = c.post("/api/v1/training", json=course(officer, today + dt.timedelta(days=1)))
        backwards = c.post(
            "/api/v1/training", json=course(officer, today, expires_on=(today - dt.timedelta(days=1)).isoformat())
        )
        nobody = c.post("/api/v1/training", json={**course(officer, today), "username": "ghost"})
        no_trainer = c.post("/api/v1/training", json={**course(officer, today), "trainer": ""})
        history = c.get(f"/api/v1/training/{officer.username}")
    assert (future.status_code, future.json()["error"]) == (422, "bad_training") and "future" in future.text
    assert backwards.status_code == 422 and "before completed_on" in backwards.json()["message"]
    assert nobody.status_code == 404 and "ghost" in nobody.json()["message"]
    assert no_trainer.status_code == 422 and no_trainer.json()["details"][0]["field"] == "trainer"
    assert history.status_code == 200 and history.json() == []


def test_the_roster_shows_the_untrained_and_the_due_first(server: LiveServer) -> None:
    today = server.clock.now.date()
    untrained = server.add_person(Role.OFFICER, username="a-untrained", trained=False)
    due = server.add_person(Role.INVESTIGATOR, username="b-due", trained=False)
    server.add_person(Role.EQUIPMENT, username="c-equipment", trained=False)  # reaches no data: not listed
    admin = server.add_person(Role.ADMINISTRATOR, username="d-admin")
    with server.client(server.login(admin)) as c:
        assert c.post("/api/v1/training", json=course(due, today - dt.timedelta(days=350))).status_code == 201
    with server.client(server.login(server.add_person(Role.AUDITOR, username="e-auditor"))) as c:
        roster = c.get("/api/v1/training").json()
        assert c.post("/api/v1/training", json=course(untrained, today)).status_code == 403  # auditors only look
    people = [(p["username"], p["status"]) for p in roster["people"]]
    assert people == [("a-untrained", "untrained"), ("b-due", "due"), ("d-admin", "trained"), ("e-auditor", "trained")]
    assert (roster["untrained"], roster["due"]) == (1, 1)
    with server.client(server.login(untrained)) as c:
        assert c.get("/api/v1/training").status_code == 403


def test_an_untrained_officer_cannot_log_onto_a_unit(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER, trained=False)
    with server.client(server.add_unit("car-12")) as c:
        server.clock.advance(seconds=31)
        body = {"username": officer.username, "password": officer.password, "otp": server.totp(officer)}
        r = c.post("/api/v1/unit/logon", json=body)
    assert r.status_code == 403 and r.json()["error"] == "training_required"
    assert "has no current LPR training on record: only trained officers may log on" in r.json()["message"]
