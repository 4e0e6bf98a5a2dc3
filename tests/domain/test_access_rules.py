"""Lockout, idle lock and concurrent-session rules with a literal clock."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.access_rules import (
    LockoutPolicy,
    SessionPolicy,
    after_failure,
    is_locked,
    session_end_reason,
    sessions_to_end,
)
from platewatch.domain.roles import Permission, Role, allows, requires_mfa

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def test_fifth_failure_locks_for_ten_minutes() -> None:
    policy = LockoutPolicy(5, 10)
    count, locked = 0, None
    for _ in range(4):
        state = after_failure(count, policy, T0)
        count, locked = state.failed_logins, state.locked_until
        assert locked is None
    state = after_failure(count, policy, T0)
    assert state.locked_until == T0 + dt.timedelta(minutes=10)
    assert is_locked(state.locked_until, T0 + dt.timedelta(minutes=9, seconds=59))
    assert not is_locked(state.locked_until, T0 + dt.timedelta(minutes=10))


@pytest.mark.parametrize(
    ("idle", "age", "reason"),
    [
        (dt.timedelta(minutes=29), dt.timedelta(hours=1), None),
        (dt.timedelta(minutes=30), dt.timedelta(hours=1), "idle"),
        (dt.timedelta(minutes=1), dt.timedelta(hours=12), "expired"),
    ],
)
def test_session_end_reason(idle: dt.timedelta, age: dt.timedelta, reason: str | None) -> None:
    now = T0 + age
    assert session_end_reason(T0, now - idle, now, SessionPolicy(30, 12)) == reason


def test_new_login_ends_the_oldest_sessions() -> None:
    sessions = [(T0 + dt.timedelta(minutes=i), f"s{i}") for i in (3, 1, 2)]
    assert sessions_to_end(sessions, 1) == ["s1", "s2", "s3"]
    assert sessions_to_end(sessions, 2) == ["s1", "s2"]
    assert sessions_to_end(sessions, 5) == []


@pytest.mark.parametrize(
    ("role", "mfa"),
    [(Role.ADMINISTRATOR, True), (Role.OFFICER, True), (Role.AUDITOR, True), (Role.EQUIPMENT, False)],
)
def test_mfa_for_roles_that_see_data(role: Role, mfa: bool) -> None:
    assert requires_mfa(role) is mfa


def test_auditor_cannot_search_and_officer_cannot_read_the_log() -> None:
    assert not allows(Role.AUDITOR, Permission.SEARCH_READS)
    assert not allows(Role.OFFICER, Permission.VIEW_QUERY_LOG)
    assert allows(Role.ADMINISTRATOR, Permission.MANAGE_USERS)
