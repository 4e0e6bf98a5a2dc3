"""The rules that judge what an installation check found: a unit's clock, a secret file's mode, free space."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.install_checks import (
    Check,
    backup_check,
    clock_check,
    free_space_check,
    retention_check,
    secret_file_check,
    time_zone_check,
)


def test_a_clock_within_five_seconds_of_the_server_passes() -> None:
    assert clock_check(4.9, 0.01) == Check("clock", True, "within 4.9 s of the server's")
    assert clock_check(-0.02, 0.01) == Check("clock", True, "within 0.1 s of the server's")


def test_a_clock_further_off_fails_saying_which_way_and_how_far() -> None:
    behind = clock_check(6.0, 0.2)
    assert not behind.ok and behind.detail.startswith("the unit's clock is 6 s behind the server's")
    assert "timedatectl set-ntp true" in behind.detail
    ahead = clock_check(-200.0, 0.1)
    assert not ahead.ok and ahead.detail.startswith("the unit's clock is 3 min 20 s ahead of the server's")
    assert clock_check(7260.0, 0.1).detail.startswith("the unit's clock is 2 h 1 min behind")


def test_a_slow_round_trip_gives_the_clock_the_benefit_of_the_doubt() -> None:
    assert clock_check(7.0, 2.5).ok  # it may be 4.5 s off only
    assert not clock_check(7.0, 1.5).ok


def test_a_secret_file_is_read_by_its_owner_only() -> None:
    assert secret_file_check("token file", "/etc/t", 0o100600).ok
    assert secret_file_check("token file", "/etc/t", 0o100400).ok
    group = secret_file_check("token file", "/etc/t", 0o100640)
    assert group == Check("token file", False, "/etc/t is readable by its group (mode 640): `chmod 600 /etc/t`")
    assert "readable by others (mode 644)" in secret_file_check("token file", "/etc/t", 0o100644).detail


def test_free_space_below_the_need_fails() -> None:
    assert free_space_check("outbox", "/var/lib/x", 2 * 1024**3, 1024**3, "reads wait") is None
    short = free_space_check("outbox", "/var/lib/x", 512 * 1024**2, 1024**3, "reads wait")
    assert short == Check("outbox", False, "/var/lib/x: only 0.5 GiB free (reads wait)")


def test_the_newest_backup_is_at_most_a_day_and_a_bit_old() -> None:
    now = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    assert backup_check("/b", now - dt.timedelta(hours=3), 812, now) == Check(
        "backups", True, "the newest in /b is 3 h old (812 reads)"
    )
    assert backup_check("/b", now - dt.timedelta(hours=26), 1, now).ok
    assert (
        backup_check("/b", now - dt.timedelta(minutes=12), 1, now).detail == "the newest in /b is 12 min old (1 reads)"
    )
    late = backup_check("/b", now - dt.timedelta(hours=27), 1, now)
    assert not late.ok and late.detail.startswith("the newest backup in /b is 27 h old: is platewatch-backup.timer")
    assert "is 3 days old" in backup_check("/b", now - dt.timedelta(days=3), 1, now).detail
    assert backup_check("/b", None, 0, now) == Check(
        "backups", False, "no backup in /b yet: `platewatch backup create` (daily by its timer)"
    )


def test_no_read_past_the_retention_period_outside_a_hold() -> None:
    last = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)
    assert retention_check(0, 0, 14, last) == Check(
        "retention",
        True,
        "no read past the 14-day retention period outside a legal hold (last purge: 2026-12-01 05:00 UTC)",
    )
    assert retention_check(0, 3, 14, last).detail.endswith("(last purge: 2026-12-01 05:00 UTC; 3 held reads kept)")
    late = retention_check(212, 0, 14, None)
    assert not late.ok and late.detail.startswith(
        "212 reads past the 14-day retention period and under no legal hold are still stored (last purge: never)"
    )


def test_the_retention_period_is_the_orders_or_longer_on_a_recorded_authority() -> None:
    from platewatch.domain.install_checks import retention_period_check
    from platewatch.domain.retention import authority_problem

    assert authority_problem(14, "") is None and authority_problem(7, "") is None
    assert authority_problem(15, "  ") == (
        "a retention period of 15 days is longer than the order's 14 (V.D.3): record the legal authority that "
        "requires it (e.g. a statute or court order) in PLATEWATCH_RETENTION_AUTHORITY"
    )
    assert authority_problem(15, "C.G.S. 29-1k") is None
    assert retention_period_check(14, "") == Check(
        "retention period", True, "reads are kept 14 days at most (the order allows 14)"
    )
    assert not retention_period_check(30, "").ok
    assert retention_period_check(30, "C.G.S. 29-1k") == Check(
        "retention period",
        True,
        "reads are kept 30 days, longer than the order's 14, on the authority of: C.G.S. 29-1k",
    )


def test_the_time_zone_line_says_what_pages_show_and_how_to_change_it() -> None:
    utc = time_zone_check("UTC")
    assert utc.ok and "set PLATEWATCH_TIME_ZONE" in utc.detail
    assert time_zone_check("America/New_York") == Check(
        "time zone", True, "America/New_York: pages, reports and documents show the agency's local time"
    )
