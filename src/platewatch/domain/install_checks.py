"""Installation checks' outcomes, and the rules that judge what a check found (a unit's clock, a secret file's mode,
free space): pure, so that `platewatch check` and `platewatch unit check` say the same things the same way."""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import dataclass

from platewatch.domain.retention import ORDER_RETENTION_DAYS, authority_problem
from platewatch.domain.unit_health import clock_offset

MAX_CLOCK_SKEW_S = 5.0
"""A unit's clock stamps every read it makes (evidence, order V.E.2): beyond this much apart from the server's, it
is not kept in step (NTP), and a read's time may be wrong in court. The server refuses reads more than 10 minutes
ahead of it, and decisions dated more than 5 minutes outside the shift."""


MAX_BACKUP_AGE = dt.timedelta(hours=26)
"""Backups run daily: a newest backup older than a day and a bit means they stopped."""


@dataclass(frozen=True)
class Check:
    """One thing checked: its name, whether it is fine, and what was found (or what to do)."""

    name: str
    ok: bool
    detail: str


def clock_check(skew_s: float, uncertainty_s: float) -> Check:
    """Judge the unit's clock from `skew_s` (the server's clock minus the unit's, seconds) measured to within
    `uncertainty_s` (half the request's round trip): it fails only when it is surely further off than allowed."""
    off = abs(skew_s)
    if off - uncertainty_s <= MAX_CLOCK_SKEW_S:
        return Check("clock", True, f"within {max(off, 0.1):.1f} s of the server's")
    return Check(
        "clock",
        False,
        f"the unit's clock is {clock_offset(skew_s)} the server's; reads are stamped with it: keep it in step "
        "(`timedatectl set-ntp true`, or the department's NTP server)",
    )


def secret_file_check(name: str, path: str, mode: int) -> Check:
    """A file holding a secret is read by its owner only (mode 600 or 400)."""
    loose = stat.S_IMODE(mode) & 0o077
    if loose:
        who = "others" if loose & 0o007 else "its group"
        return Check(name, False, f"{path} is readable by {who} (mode {stat.S_IMODE(mode):o}): `chmod 600 {path}`")
    return Check(name, True, f"{path} holds one token, readable by its owner only")


def free_space_check(name: str, where: str, free_bytes: int, needed_bytes: int, what: str) -> Check | None:
    """A failed check when `where` has less than `needed_bytes` free (`what` says what the room is for)."""
    if free_bytes >= needed_bytes:
        return None
    return Check(name, False, f"{where}: only {free_bytes / 1024**3:.1f} GiB free ({what})")


def backup_check(folder: str, newest: dt.datetime | None, reads: int, now: dt.datetime) -> Check:
    """The newest backup in `folder` (made at `newest`, holding `reads`) is at most a day and a bit old."""
    if newest is None:
        return Check("backups", False, f"no backup in {folder} yet: `platewatch backup create` (daily by its timer)")
    age = now - newest
    hours = age.total_seconds() / 3600
    said = (
        f"{age.total_seconds() / 60:.0f} min"
        if hours < 1
        else f"{hours:.0f} h"
        if hours < 48
        else f"{hours / 24:.0f} days"
    )
    if age > MAX_BACKUP_AGE:
        return Check(
            "backups",
            False,
            f"the newest backup in {folder} is {said} old: is platewatch-backup.timer running "
            "(`systemctl list-timers platewatch-backup`, `journalctl -u platewatch-backup`)?",
        )
    return Check("backups", True, f"the newest in {folder} is {said} old ({reads} reads)")


def retention_period_check(days: int, authority: str) -> Check:
    """The retention period itself (order V.D.3): the order's 14 days or fewer, or longer on a recorded authority."""
    if days <= ORDER_RETENTION_DAYS:
        return Check(
            "retention period", True, f"reads are kept {days} days at most (the order allows {ORDER_RETENTION_DAYS})"
        )
    problem = authority_problem(days, authority)
    if problem:
        return Check("retention period", False, problem)
    return Check(
        "retention period",
        True,
        f"reads are kept {days} days, longer than the order's {ORDER_RETENTION_DAYS}, on the authority of: {authority}",
    )


def time_zone_check(name: str) -> Check:
    """The agency's time zone for pages and reports (the database keeps UTC whatever it is)."""
    if name == "UTC":
        return Check("time zone", True, "UTC: pages and reports show UTC; set PLATEWATCH_TIME_ZONE to the agency's "
                     "IANA zone (e.g. America/New_York) to show local time")  # fmt: skip
    return Check("time zone", True, f"{name}: pages, reports and documents show the agency's local time")


def retention_check(expired: int, held: int, days: int, last_purge: dt.datetime | None) -> Check:
    """No read past the retention period is stored outside a legal hold (order V.D.3-4): `expired` such reads were
    found (allowing for the time between two purges), `held` are kept by holds."""
    when = f"{last_purge:%Y-%m-%d %H:%M} UTC" if last_purge else "never"
    kept = f"; {held} held reads kept" if held else ""
    if expired:
        return Check(
            "retention",
            False,
            f"{expired} reads past the {days}-day retention period and under no legal hold are still stored (last "
            f"purge: {when}): is the server running its purge (PLATEWATCH_PURGE_EVERY_MINUTES), or `platewatch purge`?",
        )
    return Check(
        "retention",
        True,
        f"no read past the {days}-day retention period outside a legal hold (last purge: {when}{kept})",
    )
