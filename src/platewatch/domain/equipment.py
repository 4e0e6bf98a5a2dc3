"""When a piece of LPR equipment is due for its annual physical inventory (V.A.5) and for the cleaning and service its
manufacturer recommends (V.A.6), and the year's reconciliation of that inventory with the record: pure rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CHECK_EVERY = dt.timedelta(days=365)
"""V.A.5: an annual physical inventory."""
GONE = frozenset({"missing", "lost", "destroyed"})
"""Statuses of a piece not in NCPD's hands (V.A.5): not found at the physical inventory (it may still turn up), lost
for good, or destroyed."""
CLOSED = frozenset({"retired", "lost", "destroyed"})
"""Statuses after which a piece's record takes no more changes: it left the inventory."""


def inventory_due(status: str, last_inventoried: dt.datetime | None, now: dt.datetime) -> bool:
    """Not seen at a physical inventory in the last year (a retired piece never is due)."""
    return status not in CLOSED and (last_inventoried is None or now - last_inventoried > CHECK_EVERY)


def maintenance_due(
    status: str, every_days: int | None, last_maintained: dt.datetime | None, added: dt.datetime, now: dt.datetime
) -> bool:
    """Past the manufacturer's interval since its last cleaning or service (since it was added, if never); a piece
    with no interval recorded, or retired, never is due."""
    if every_days is None or status in CLOSED or status == "missing":
        return False
    return now - (last_maintained or added) > dt.timedelta(days=every_days)


@dataclass(frozen=True, slots=True)
class PieceHistory:
    """What the annual reconciliation needs of one piece: its record, and its events in time order."""

    serial: str
    kind: str
    where: str
    added_at: dt.datetime
    status: str
    events: tuple[tuple[dt.datetime, str, str, str, str], ...]
    """(at, who, event, status after it, note)."""


@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    """One piece in a year's reconciliation: whether the physical inventory found it."""

    serial: str
    kind: str
    where: str
    outcome: str
    """checked | not checked | missing | lost | destroyed | retired"""
    at: dt.datetime | None
    """When it was seen, or found gone, or retired (None when it was not checked)."""
    by: str
    note: str
    status_at_end: str


def reconcile(pieces: list[PieceHistory], start: dt.datetime, end: dt.datetime) -> list[ReconciliationRow]:
    """V.A.5's reconciliation of the physical inventory with the record for [start, end): every piece on the record
    at some time in that window (added before its end, not gone or retired before its start), with the window's last
    word on it: found gone or retired, else seen at the physical inventory, else not checked. Sorted by serial."""
    rows = []
    for p in pieces:
        before = [e for e in p.events if e[0] < start]
        status_at_start = before[-1][3] if before else "in_service"
        if p.added_at >= end or status_at_start in CLOSED:
            continue
        within = [e for e in p.events if start <= e[0] < end]
        status_at_end = within[-1][3] if within else status_at_start
        closing = [e for e in within if e[3] in GONE | {"retired"} and e[2] == "status_changed"]
        seen = [e for e in within if e[2] == "inventoried"]
        last = closing[-1] if closing else None
        if last is not None and (not seen or seen[-1][0] < last[0]):
            outcome, mark = last[3], last
        elif seen:
            outcome, mark = "checked", seen[-1]
        else:
            outcome, mark = "not checked", None
        rows.append(
            ReconciliationRow(
                p.serial, p.kind, p.where, outcome, mark[0] if mark else None, mark[1] if mark else "",
                mark[4] if mark else "", status_at_end,
            )
        )  # fmt: skip
    return sorted(rows, key=lambda r: r.serial)
