"""Passwords: a generated or administrator-set one must be changed at the first log-in (only the person's own
account answers until then, on the server and at a unit's log-on); people change their own; an administrator
issues one-time passwords and new authenticator secrets."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pyotp
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent, User
from tests.support.live_server import PASSWORD, PURPOSE, LiveServer, Person

NEW_PASSWORD = "correct horse battery staple 42"
SEARCH = {**PURPOSE, "plate": "ABC1234"}


def log_in(server: LiveServer, person: Person, password: str) -> Any:
    server.clock.advance(seconds=31)
    with server.client() as c:
        return c.post("/api/v1/auth/login", json={
            "username": person.username, "password": password, "totp": server.totp(person)})  # fmt: skip


def created_by_admin(server: LiveServer, admin_token: str, role: Role) -> tuple[Person, str]:
    """An account made through the API as an administrator would: (the person, their one-time password)."""
    with server.client(admin_token) as c:
        r = c.post("/api/v1/users", json={"username": f"new-{role.value}", "role": role.value})
    assert r.status_code == 201, r.text
    body = r.json()
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(body["totp_uri"]).query)["secret"][0]
    assert body["user"]["must_change_password"] is True
    return Person(body["user"]["username"], role, body["one_time_password"], secret), body["one_time_password"]


def test_a_one_time_password_opens_only_the_account_until_it_is_changed(server: LiveServer) -> None:
    admin = server.login(server.add_person(Role.ADMINISTRATOR))
    person, one_time = created_by_admin(server, admin, Role.INVESTIGATOR)
    with server.client(admin) as c:  # the administrator records the course, as on the Training page
        course = {"username": person.username, "course": "LPR operator", "trainer": "Sgt. Trainer",
                  "completed_on": str(server.clock.now.date())}  # fmt: skip
        assert c.post("/api/v1/training", json=course).status_code == 201

    r = log_in(server, person, one_time)
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    token = r.json()["token"]
    with server.client(token) as c:
        assert c.get("/api/v1/me").json()["must_change_password"] is True
        refused = c.get("/api/v1/reads/search", params=SEARCH)
        assert refused.status_code == 403 and refused.json()["error"] == "password_change_required"
        assert "/account" in refused.json()["message"]
        wrong = c.post("/api/v1/me/password", json={"current_password": "not it", "new_password": NEW_PASSWORD})
        weak = c.post("/api/v1/me/password", json={"current_password": one_time, "new_password": "short"})
        same = c.post("/api/v1/me/password", json={"current_password": one_time, "new_password": one_time})
        ok = c.post("/api/v1/me/password", json={"current_password": one_time, "new_password": NEW_PASSWORD})
        assert (wrong.status_code, wrong.json()["error"]) == (422, "wrong_password")
        assert (weak.status_code, weak.json()["error"]) == (422, "weak_password") and "12" in weak.json()["message"]
        assert (same.status_code, same.json()["error"]) == (422, "same_password")
        assert ok.status_code == 200 and ok.json() == {"ended_sessions": 0}
        # the same session now reaches the data
        searched = c.get("/api/v1/reads/search", params=SEARCH)
        assert searched.status_code == 200, searched.text
    assert log_in(server, person, one_time).status_code == 401
    assert log_in(server, person, NEW_PASSWORD).json()["must_change_password"] is False
    with server.db() as db:
        events = db.scalars(select(SecurityEvent.outcome).where(
            SecurityEvent.username == person.username, SecurityEvent.event == "password_changed")).all()  # fmt: skip
    assert events == ["failure", "success"]


def test_changing_the_password_ends_the_persons_other_sessions(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    with server.db() as db:
        db.scalars(select(User).where(User.username == officer.username)).one().max_sessions = 2
        db.commit()
    laptop, car = server.login(officer), server.login(officer)
    with server.client(laptop) as c:
        r = c.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
        assert r.status_code == 200 and r.json() == {"ended_sessions": 1}
        assert c.get("/api/v1/me").status_code == 200
    with server.client(car) as c:
        assert c.get("/api/v1/me").status_code == 401


def test_an_administrator_issues_a_one_time_password_and_a_new_authenticator(server: LiveServer) -> None:
    admin = server.login(server.add_person(Role.ADMINISTRATOR))
    officer = server.add_person(Role.OFFICER)
    officer_token = server.login(officer)
    with server.client(admin) as c:
        issued = c.post(f"/api/v1/users/{officer.username}/password")
        mfa = c.post(f"/api/v1/users/{officer.username}/reset-mfa")
        unknown = c.post("/api/v1/users/nobody/password")
    assert issued.status_code == 200 and unknown.status_code == 404
    one_time = issued.json()["one_time_password"]
    with server.client(officer_token) as c:  # a reset ends the person's sessions
        assert c.get("/api/v1/me").status_code == 401
    assert log_in(server, officer, PASSWORD).status_code == 401  # the old password is gone
    assert log_in(server, officer, one_time).status_code == 401  # the old authenticator too
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(mfa.json()["totp_uri"]).query)["secret"][0]
    renewed = Person(officer.username, officer.role, one_time, secret)
    r = log_in(server, renewed, one_time)
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    with server.client(server.login(server.add_person(Role.OFFICER))) as c:
        assert c.post(f"/api/v1/users/{officer.username}/password").status_code == 403


def test_a_unit_refuses_an_officer_whose_one_time_password_is_not_changed(server: LiveServer) -> None:
    admin = server.login(server.add_person(Role.ADMINISTRATOR))
    person, one_time = created_by_admin(server, admin, Role.OFFICER)
    unit = server.add_unit("car-7")
    server.clock.advance(seconds=31)
    code = pyotp.TOTP(person.totp_secret or "").at(server.clock.now)
    with server.client(unit) as c:
        r = c.post("/api/v1/unit/logon", json={"username": person.username, "password": one_time, "otp": code})
    assert r.status_code == 403 and r.json()["error"] == "password_change_required"


def test_the_people_page_refuses_bad_forms_and_other_roles(server: LiveServer) -> None:
    admin_person = server.add_person(Role.ADMINISTRATOR)
    admin = server.login(admin_person)
    with server.client(admin) as c:
        made = c.post("/people", data={"username": "jdoe", "role": "officer"})
        again = c.post("/people", data={"username": "jdoe", "role": "officer"})
        bad_role = c.post("/people", data={"username": "kdoe", "role": "janitor"})
        bad_name = c.post("/people", data={"username": "k doe", "role": "officer"})
        ghost = c.post("/people/ghost/password")
        own = c.post(f"/people/{admin_person.username}/disable")
    assert made.status_code == 200 and 'id="one-time-password"' in made.text and "<svg" in made.text
    assert again.status_code == 409 and "already exists" in again.text
    assert bad_role.status_code == 400 and "role: choose one of" in bad_role.text
    assert bad_name.status_code == 400 and "username" in bad_name.text
    assert ghost.status_code == 404 and own.status_code == 400
    with server.db() as db:
        assert db.scalars(select(User.username).where(User.username.in_(["kdoe", "k doe"]))).all() == []
    with server.client(server.login(server.add_person(Role.SUPERVISOR))) as c:
        assert c.get("/people").status_code == 403
        assert c.post("/people", data={"username": "x", "role": "officer"}).status_code == 403


def test_wrong_current_passwords_lock_the_account_and_end_its_sessions(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    token = server.login(officer)
    with server.client(token) as c:
        tries = [
            c.post("/api/v1/me/password", json={"current_password": f"guess {i}", "new_password": NEW_PASSWORD})
            for i in range(5)
        ]
        assert [t.status_code for t in tries] == [422] * 5
        assert c.get("/api/v1/me").status_code == 401  # the fifth locked the account: the session ended
    locked = log_in(server, officer, PASSWORD)
    assert locked.status_code == 423 and locked.json()["error"] == "locked"


def test_an_administrator_changes_a_role_and_the_persons_sessions_end(server: LiveServer) -> None:
    admin_person = server.add_person(Role.ADMINISTRATOR)
    admin = server.login(admin_person)
    tech = server.add_person(Role.EQUIPMENT)  # no second factor: equipment staff see no read data
    officer = server.add_person(Role.OFFICER)
    officer_token = server.login(officer)
    with server.client(admin) as c:
        promoted = c.post(f"/api/v1/users/{officer.username}/role", json={"role": "supervisor"})
        same = c.post(f"/api/v1/users/{officer.username}/role", json={"role": "supervisor"})
        to_data = c.post(f"/api/v1/users/{tech.username}/role", json={"role": "investigator"})
        own = c.post(f"/api/v1/users/{admin_person.username}/role", json={"role": "officer"})
        ghost = c.post("/api/v1/users/ghost/role", json={"role": "officer"})
        bad = c.post(f"/api/v1/users/{officer.username}/role", json={"role": "janitor"})
    assert promoted.status_code == 200 and promoted.json()["user"]["role"] == "supervisor"
    assert promoted.json()["totp_uri"] is None  # the officer's authenticator still serves
    assert (same.status_code, own.status_code, ghost.status_code, bad.status_code) == (409, 400, 404, 422)
    assert to_data.status_code == 200 and to_data.json()["totp_uri"].startswith("otpauth://")
    with server.client(officer_token) as c:
        assert c.get("/api/v1/me").status_code == 401  # what they may do changed: log in again
    with server.db() as db:
        events = db.scalars(select(SecurityEvent.detail).where(SecurityEvent.event == "role_changed")).all()
    assert sorted(events) == ["equipment -> investigator", "officer -> supervisor"]
