"""The equipment rules with literal times: the annual inventory (V.A.5) and the manufacturer's maintenance (V.A.6)."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.equipment import inventory_due, maintenance_due

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def test_the_annual_inventory_is_due_after_a_year_or_never() -> None:
    assert inventory_due("in_service", None, NOW)
    assert not inventory_due("in_service", NOW - 365 * DAY, NOW)
    assert inventory_due("damaged", NOW - 366 * DAY, NOW)
    assert not inventory_due("retired", None, NOW)


def test_maintenance_is_due_past_the_manufacturers_interval() -> None:
    added = NOW - 100 * DAY
    assert not maintenance_due("in_service", None, None, added, NOW)  # no interval recorded
    assert maintenance_due("in_service", 90, None, added, NOW)  # never maintained, added 100 days ago
    assert not maintenance_due("in_service", 90, NOW - 90 * DAY, added, NOW)  # the last day of the interval
    assert maintenance_due("repair", 30, NOW - 31 * DAY, added, NOW)
    assert not maintenance_due("retired", 30, None, added, NOW)
