"""Logging in: TOTP, lockout after 5 failures for 10 minutes, idle lock, one session per user."""

from __future__ import annotations

import datetime as dt
import logging

import pyotp
import pytest

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent, User
from tests.support.live_server import LiveServer, Person


def attempt(server: LiveServer, person: Person, password: str | None = None, totp: str | None = "") -> object:
    server.clock.advance(seconds=31)
    code = server.totp(person) if totp == "" else totp
    with server.client() as c:
        return c.post(
            "/api/v1/auth/login",
            json={"username": person.username, "password": password or person.password, "totp": code},
        )


def test_login_needs_password_and_totp(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    assert attempt(server, officer, totp=None).status_code == 401  # type: ignore[attr-defined]
    assert attempt(server, officer, totp="000000").status_code == 401  # type: ignore[attr-defined]
    assert attempt(server, officer, password="wrong password!").status_code == 401  # type: ignore[attr-defined]
    ok = attempt(server, officer)
    assert ok.status_code == 200, ok.text  # type: ignore[attr-defined]
    token = ok.json()["token"]  # type: ignore[attr-defined]
    with server.client(token) as c:
        assert c.get("/api/v1/me").json()["username"] == officer.username


def test_totp_code_cannot_be_replayed(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    server.clock.advance(seconds=31)
    code = server.totp(officer)
    body = {"username": officer.username, "password": officer.password, "totp": code}
    with server.client() as c:
        assert c.post("/api/v1/auth/login", json=body).status_code == 200
        again = c.post("/api/v1/auth/login", json=body)
    assert again.status_code == 401


def test_equipment_role_logs_in_without_totp(server: LiveServer) -> None:
    tech = server.add_person(Role.EQUIPMENT)
    assert tech.totp_secret is None
    assert attempt(server, tech, totp=None).status_code == 200  # type: ignore[attr-defined]


def test_five_failures_lock_the_account_for_ten_minutes(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    for _ in range(5):
        assert attempt(server, officer, password="not the password").status_code == 401  # type: ignore[attr-defined]
    locked = attempt(server, officer)  # right password, right code: still locked, answered as any failure
    assert locked.status_code == 401 and locked.json()["error"] == "bad_credentials"  # type: ignore[attr-defined]
    server.clock.advance(minutes=8)  # each attempt also moves the clock 31 s: 9 min 2 s after the lock
    assert attempt(server, officer).status_code == 401  # type: ignore[attr-defined]
    server.clock.advance(minutes=1)  # 10 min 33 s after the lock
    assert attempt(server, officer).status_code == 200  # type: ignore[attr-defined]
    with server.db() as db:
        events = [e.event for e in db.query(SecurityEvent).filter_by(username=officer.username)]
    assert events.count("lockout") == 1 and "login" in events


def test_four_failures_then_success_resets_the_count(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    for _ in range(4):
        attempt(server, officer, password="not the password")
    assert attempt(server, officer).status_code == 200  # type: ignore[attr-defined]
    for _ in range(4):
        attempt(server, officer, password="not the password")
    assert attempt(server, officer).status_code == 200  # type: ignore[attr-defined]


def test_session_locks_after_30_minutes_idle(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    token = server.login(officer)
    with server.client(token) as c:
        server.clock.advance(minutes=29)
        assert c.get("/api/v1/me").status_code == 200  # activity keeps it open
        server.clock.advance(minutes=29)
        assert c.get("/api/v1/me").status_code == 200
        server.clock.advance(minutes=30)
        r = c.get("/api/v1/me")
        assert r.status_code == 401 and r.json()["error"] == "session_locked"
        server.clock.advance(seconds=1)
        assert c.get("/api/v1/me").status_code == 401  # stays locked: log in again


def test_one_session_per_user_unless_allowed(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    first = server.login(officer)
    second = server.login(officer)
    with server.client(first) as c:
        assert c.get("/api/v1/me").status_code == 401
    with server.client(second) as c:
        assert c.get("/api/v1/me").status_code == 200
    with server.db() as db:
        user = db.query(User).filter_by(username=officer.username).one()
        user.max_sessions = 2
        db.commit()
    third = server.login(officer)
    for token in (second, third):
        with server.client(token) as c:
            assert c.get("/api/v1/me").status_code == 200


def test_disabled_user_is_logged_out_and_cannot_log_in(server: LiveServer) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    officer = server.add_person(Role.OFFICER)
    officer_token = server.login(officer)
    with server.client(server.login(admin)) as c:
        r = c.post(f"/api/v1/users/{officer.username}/disable")
        assert r.status_code == 200 and r.json()["active"] is False
    with server.client(officer_token) as c:
        assert c.get("/api/v1/me").status_code == 401
    assert attempt(server, officer).status_code == 401  # type: ignore[attr-defined]


def test_logout_ends_the_session(server: LiveServer) -> None:
    officer = server.add_person(Role.OFFICER)
    token = server.login(officer)
    with server.client(token) as c:
        assert c.post("/api/v1/auth/logout").status_code == 200
        assert c.get("/api/v1/me").status_code == 401


def test_unknown_user_gets_the_same_answer(server: LiveServer) -> None:
    with server.client() as c:
        r = c.post("/api/v1/auth/login", json={"username": "nobody", "password": "x", "totp": "123456"})
    assert r.status_code == 401 and r.json()["message"] == "wrong username, password or code"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.INVESTIGATOR, Role.AUDITOR, Role.ADMINISTRATOR])
def test_every_data_role_gets_a_totp_secret(server: LiveServer, role: Role) -> None:
    person = server.add_person(role)
    assert person.totp_secret is not None
    assert pyotp.TOTP(person.totp_secret).at(dt.datetime.now(dt.UTC)).isdigit()


def test_a_locked_account_is_answered_as_an_unknown_one_and_administrators_see_who_locked_it(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 22: a 423 for a real locked account against a 401 for an unknown name told user names apart."""
    officer = server.add_person(Role.OFFICER)
    caplog.set_level(logging.WARNING)
    for _ in range(5):
        attempt(server, officer, password="not the password")
    locked = attempt(server, officer)  # the right password and code
    with server.client() as c:
        unknown = c.post("/api/v1/auth/login", json={"username": "nobody", "password": "x", "totp": "123456"})
        page = c.post("/login", data={"username": officer.username, "password": officer.password})
    assert (locked.status_code, locked.json()) == (unknown.status_code, unknown.json())  # type: ignore[attr-defined]
    assert unknown.status_code == 401 and page.status_code == 401
    with server.db() as db:
        lockout = db.query(SecurityEvent).filter_by(username=officer.username, event="lockout").one()
    assert lockout.detail == "locked for 10 minutes from 127.0.0.1"
    said = [r.getMessage() for r in caplog.records if "locked" in r.getMessage()]
    assert said == [f"account {officer.username} locked for 10 minutes after 5 failed log-ins, the last from 127.0.0.1"]
    with server.client(server.login(server.add_person(Role.ADMINISTRATOR))) as c:
        people = c.get("/people").text
    assert "locked until" in people and "from 127.0.0.1" in people
