"""`platewatch command …` and `platewatch assignment …` as the administrator runs them on the server (order V.E.2a,
V.E.2g): each change is in the audit trail as the command line's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from tests.support.cli import run


def test_commands_and_assignments_from_the_command_line(env: str) -> None:
    sessions = make_sessionmaker(make_engine(env))
    with transaction(sessions) as db:
        accounts.create_user(db, "jsmith", Role.OFFICER, password="correct horse battery staple")
        accounts.create_user(db, "sgt_north", Role.SUPERVISOR, password="correct horse battery staple")
        accounts.create_unit(db, "car-12", "mobile", "Car 12", "t")
    assert run("command", "add", "North")[0] == 0
    code, out = run("command", "person", "sgt_north", "North")
    assert code == 0 and "sgt_north: command North (was (none))" in out
    assert run("command", "unit", "car-12", "North")[0] == 0
    code, out = run("command", "list")
    assert code == 0 and "North" in out and "sgt_north (supervisor)" in out and "car-12" in out
    code, out = run("command", "unit", "car-99", "North")
    assert code == 1 and "no unit named 'car-99'" in out

    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    shift = ["--from", start.isoformat(), "--until", (start + dt.timedelta(hours=8)).isoformat()]
    code, out = run("assignment", "add", "car-12", "jsmith", *shift)
    assert code == 1 and "no LPR training on record" in out  # trained officers only (V.E.2d)
    assert run("user", "train", "jsmith", "--trainer", "Sgt. Rivera")[0] == 0
    code, out = run("assignment", "add", "car-12", "jsmith", *shift)
    assert code == 0 and "assignment 1: jsmith on unit car-12" in out
    code, out = run("assignment", "add", "car-12", "jsmith", "--from", "tomorrow", "--until", "later")
    assert code == 1 and "--from: not a date and time" in out
    code, out = run("assignment", "override", "car-12", "jsmith", "--reason", "car-7 broke down")
    assert code == 0 and "override 2" in out
    code, out = run("assignment", "list")
    assert code == 0 and "assignment" in out and "override" in out and "car-7 broke down" in out
    assert run("assignment", "cancel", "2", "--reason", "car-7 repaired")[0] == 0
    code, out = run("assignment", "cancel", "2")
    assert code == 1 and "was cancelled by cli" in out
    with sessions() as db:
        rows = db.scalars(select(SecurityEvent).where(SecurityEvent.actor == "cli").order_by(SecurityEvent.id))
        assert [e.event for e in rows] == [
            "command_created", "command_member", "command_unit", "training_recorded", "unit_assigned",
            "logon_override", "assignment_cancelled",
        ]  # fmt: skip
    sessions.kw["bind"].dispose()
