"""Passwords: a generated or administrator-set one must be changed at the first log-in (only the person's own
account answers until then, on the server and at a unit's log-on); people change their own; an administrator
issues one-time passwords, with which a person also enrols their own authenticator."""

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
    assert body["user"]["must_change_password"] is True and body["totp_uri"] is None  # the person enrols it
    return Person(body["user"]["username"], role, body["one_time_password"], None), body["one_time_password"]


def enrol(server: LiveServer, token: str, person: Person) -> Person:
    """The person sets up their authenticator app from their account, as the account page does."""
    with server.client(token) as c:
        offer = c.post("/api/v1/me/authenticator")
        assert offer.status_code == 200, offer.text
        secret = urllib.parse.parse_qs(urllib.parse.urlparse(offer.json()["totp_uri"]).query)["secret"][0]
        server.clock.advance(seconds=31)
        confirmed = c.post("/api/v1/me/authenticator/confirm", json={"otp": pyotp.TOTP(secret).at(server.clock.now)})
        assert confirmed.status_code == 200 and confirmed.json()["mfa_enrolled"] is True, confirmed.text
    return Person(person.username, person.role, person.password, secret)


def test_a_one_time_password_opens_only_the_account_until_it_is_changed(server: LiveServer) -> None:
    admin = server.login(server.add_person(Role.ADMINISTRATOR))
    person, one_time = created_by_admin(server, admin, Role.INVESTIGATOR)
    with server.client(admin) as c:  # the administrator records the course, as on the Training page
        course = {"username": person.username, "course": "LPR operator", "trainer": "Sgt. Trainer",
                  "completed_on": str(server.clock.now.date())}  # fmt: skip
        assert c.post("/api/v1/training", json=course).status_code == 201

    r = log_in(server, person, one_time)  # no code: the person has no authenticator yet
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    token = r.json()["token"]
    with server.client(token) as c:
        assert c.get("/api/v1/me").json()["must_change_password"] is True
        refused = c.get("/api/v1/reads/search", params=SEARCH)
        assert refused.status_code == 403 and refused.json()["error"] == "password_change_required"
        assert "/account" in refused.json()["message"]
        early = c.post("/api/v1/me/password", json={"current_password": one_time, "new_password": NEW_PASSWORD})
        assert (early.status_code, early.json()["error"]) == (422, "enrol_first")  # else the next log-in fails
        unasked = c.post("/api/v1/me/authenticator/confirm", json={"otp": "123456"})
        assert (unasked.status_code, unasked.json()["error"]) == (409, "no_secret_offered")
        first, again = c.post("/api/v1/me/authenticator"), c.post("/api/v1/me/authenticator")
        assert first.json() == again.json()  # the same secret until it is confirmed
        bad = c.post("/api/v1/me/authenticator/confirm", json={"otp": "000000"})
        assert (bad.status_code, bad.json()["error"]) == (422, "bad_code")
    person = enrol(server, token, person)
    with server.client(token) as c:
        done = c.post("/api/v1/me/authenticator")
        assert (done.status_code, done.json()["error"]) == (409, "already_enrolled")
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
    without_code = Person(person.username, person.role, NEW_PASSWORD, None)
    assert log_in(server, without_code, NEW_PASSWORD).status_code == 401  # the authenticator is needed now
    with server.db() as db:
        rows = db.scalars(select(SecurityEvent).where(SecurityEvent.username == person.username)).all()
        events = [(e.event, e.outcome) for e in rows if e.event in ("password_changed", "mfa_enrolled")]
    assert events == [("mfa_enrolled", "success"), ("password_changed", "failure"), ("password_changed", "success")]


def test_only_a_one_time_password_opens_the_enrolment(server: LiveServer) -> None:
    # Whoever learns a person's own password cannot set up an authenticator of their own with it.
    tech = server.add_person(Role.EQUIPMENT)  # no authenticator, an own password
    with server.client(server.login(tech)) as c:
        r = c.post("/api/v1/me/authenticator")
    assert (r.status_code, r.json()["error"]) == (409, "enrolment_closed")


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


def test_an_administrator_issues_a_one_time_password_and_removes_an_authenticator(server: LiveServer) -> None:
    admin = server.login(server.add_person(Role.ADMINISTRATOR))
    officer = server.add_person(Role.OFFICER)
    officer_token = server.login(officer)
    with server.client(admin) as c:
        issued = c.post(f"/api/v1/users/{officer.username}/password")
        unknown = c.post("/api/v1/users/nobody/password")
    assert issued.status_code == 200 and unknown.status_code == 404
    one_time = issued.json()["one_time_password"]
    with server.client(officer_token) as c:  # a reset ends the person's sessions
        assert c.get("/api/v1/me").status_code == 401
    assert log_in(server, officer, PASSWORD).status_code == 401  # the old password is gone
    forgot = Person(officer.username, officer.role, one_time, officer.totp_secret)
    r = log_in(server, forgot, one_time)  # a forgotten password: the authenticator stays and is asked for
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    assert log_in(server, Person(officer.username, officer.role, one_time, None), one_time).status_code == 401

    with server.client(admin) as c:  # then a lost phone
        mfa = c.post(f"/api/v1/users/{officer.username}/reset-mfa")
    assert mfa.status_code == 200 and set(mfa.json()) == {"username", "one_time_password"}  # no secret for the admin
    fresh = mfa.json()["one_time_password"]
    assert log_in(server, forgot, one_time).status_code == 401  # the earlier one-time password is gone too
    phoneless = Person(officer.username, officer.role, fresh, None)
    r = log_in(server, phoneless, fresh)
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    renewed = enrol(server, r.json()["token"], phoneless)
    assert renewed.totp_secret != officer.totp_secret
    with server.client(server.login(server.add_person(Role.OFFICER))) as c:
        assert c.post(f"/api/v1/users/{officer.username}/password").status_code == 403


def test_a_unit_refuses_an_officer_whose_one_time_password_is_not_changed(server: LiveServer) -> None:
    admin = server.login(server.add_person(Role.ADMINISTRATOR))
    person, one_time = created_by_admin(server, admin, Role.OFFICER)
    unit = server.add_unit("car-7")
    with server.client(unit) as c:
        r = c.post("/api/v1/unit/logon", json={"username": person.username, "password": one_time, "otp": None})
    assert r.status_code == 403 and r.json()["error"] == "password_change_required"


def test_the_people_page_refuses_bad_forms_and_other_roles(server: LiveServer) -> None:
    admin_person = server.add_person(Role.ADMINISTRATOR)
    admin = server.login(admin_person)
    with server.client(admin) as c:
        made = c.post("/people", data={"username": "jdoe", "role": "officer"})
        technician = c.post("/people", data={"username": "tech9", "role": "equipment"})
        again = c.post("/people", data={"username": "jdoe", "role": "officer"})
        bad_role = c.post("/people", data={"username": "kdoe", "role": "janitor"})
        bad_name = c.post("/people", data={"username": "k doe", "role": "officer"})
        ghost = c.post("/people/ghost/password")
        own = c.post(f"/people/{admin_person.username}/disable")
    assert made.status_code == 200 and 'id="one-time-password"' in made.text and 'id="enrol"' in made.text
    assert "<svg" not in made.text and "otpauth" not in made.text  # the person enrols their own authenticator
    assert technician.status_code == 200 and 'id="enrol"' not in technician.text  # no read data, no authenticator
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
    assert locked.status_code == 401 and locked.json()["error"] == "bad_credentials"  # as a wrong password


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
    assert promoted.json()["one_time_password"] is None  # the officer's authenticator still serves
    assert (same.status_code, own.status_code, ghost.status_code, bad.status_code) == (409, 400, 404, 422)
    assert to_data.status_code == 200 and to_data.json()["user"]["must_change_password"] is True
    one_time = to_data.json()["one_time_password"]  # the investigator sets up an authenticator with it
    r = log_in(server, Person(tech.username, Role.INVESTIGATOR, one_time, None), one_time)
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    with server.client(officer_token) as c:
        assert c.get("/api/v1/me").status_code == 401  # what they may do changed: log in again
    with server.db() as db:
        events = db.scalars(select(SecurityEvent.detail).where(SecurityEvent.event == "role_changed")).all()
    enrolment = "one-time password issued to enrol an authenticator"
    assert sorted(events) == [f"equipment -> investigator; {enrolment}", "officer -> supervisor"]
