"""The equipment rules with literal times: the annual inventory (V.A.5) and the manufacturer's maintenance (V.A.6)."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.equipment import PieceHistory, inventory_due, maintenance_due, reconcile

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


START, END = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def history(serial: str, *events: tuple[dt.datetime, str, str, str], added: dt.datetime | None = None) -> PieceHistory:
    at = added or dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    full = ((at, "eq1", "added", "in_service", ""), *((t, "eq1", e, s, n) for t, e, s, n in events))
    return PieceHistory(serial, "camera", "car-12", at, full[-1][3], full)


def test_the_reconciliation_says_for_each_piece_on_the_record_whether_the_inventory_found_it() -> None:
    march, june, july = (dt.datetime(2026, m, 10, tzinfo=dt.UTC) for m in (3, 6, 7))
    pieces = [
        history("A-checked", (june, "inventoried", "in_service", "in car-12")),
        history("B-unchecked", (dt.datetime(2025, 9, 1, tzinfo=dt.UTC), "inventoried", "in_service", "last year")),
        history("C-missing", (june, "status_changed", "missing", "not in its trailer")),
        history("D-found", (march, "status_changed", "missing", "not found"), (july, "inventoried", "in_service", "")),
        history("E-lost", (march, "status_changed", "lost", "stolen with car-9")),
        history("F-retired-before", (dt.datetime(2025, 12, 1, tzinfo=dt.UTC), "status_changed", "retired", "old")),
        history("G-added-after", added=END),
        history("H-added-within", (july, "status_changed", "destroyed", "crash"), added=march),
    ]
    rows = {r.serial: r for r in reconcile(pieces, START, END)}
    assert list(rows) == ["A-checked", "B-unchecked", "C-missing", "D-found", "E-lost", "H-added-within"]
    assert [r.outcome for r in rows.values()] == ["checked", "not checked", "missing", "checked", "lost", "destroyed"]
    assert (rows["A-checked"].at, rows["A-checked"].by, rows["A-checked"].note) == (june, "eq1", "in car-12")
    assert rows["B-unchecked"].at is None and rows["B-unchecked"].by == ""
    assert rows["D-found"].at == july and rows["D-found"].status_at_end == "in_service"
    assert rows["E-lost"].note == "stolen with car-9" and rows["E-lost"].status_at_end == "lost"


def test_gone_pieces_are_never_due_and_the_window_is_what_counts() -> None:
    assert not inventory_due("lost", None, NOW) and not inventory_due("destroyed", None, NOW)
    assert inventory_due("missing", None, NOW)  # still on the record until found, lost or written off
    assert not maintenance_due("missing", 30, None, NOW - 100 * DAY, NOW)
    seen_2025 = history("X", (dt.datetime(2025, 7, 1, tzinfo=dt.UTC), "inventoried", "in_service", ""))
    assert [r.outcome for r in reconcile([seen_2025], START, END)] == ["not checked"]
    assert [r.outcome for r in reconcile([seen_2025], START.replace(year=2025), START)] == ["checked"]
