"""Login lockout and session idle rules (CJIS 5.5.3, 5.5.5) as pure functions of a clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    attempts: int = 5
    minutes: int = 10


@dataclass(frozen=True, slots=True)
class FailedLogin:
    """The account's counters after a failed attempt."""

    failed_logins: int
    locked_until: dt.datetime | None


def is_locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and now < locked_until


def after_failure(failed_logins: int, policy: LockoutPolicy, now: dt.datetime) -> FailedLogin:
    """Count one more consecutive failure; the `attempts`-th locks the account for `minutes`."""
    count = failed_logins + 1
    if count >= policy.attempts:
        return FailedLogin(0, now + dt.timedelta(minutes=policy.minutes))
    return FailedLogin(count, None)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle_minutes: int = 30
    max_hours: int = 12


def session_end_reason(
    created_at: dt.datetime, last_seen_at: dt.datetime, now: dt.datetime, policy: SessionPolicy
) -> str | None:
    """Why a session can no longer be used at `now` ("idle" or "expired"), or None when it can."""
    if now - last_seen_at >= dt.timedelta(minutes=policy.idle_minutes):
        return "idle"
    if now - created_at >= dt.timedelta(hours=policy.max_hours):
        return "expired"
    return None


def sessions_to_end(open_sessions: list[tuple[dt.datetime, str]], max_sessions: int) -> list[str]:
    """Given open sessions (created_at, id), the ids to end so a new login keeps ≤ max_sessions.

    The oldest go first: a new login replaces a forgotten session instead of being refused.
    """
    keep = max(max_sessions - 1, 0)
    ordered = sorted(open_sessions)
    excess = len(ordered) - keep
    return [sid for _, sid in ordered[:excess]] if excess > 0 else []
