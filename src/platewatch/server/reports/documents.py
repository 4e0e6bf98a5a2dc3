"""The metrics report (order IV.B.3) as a CSV or PDF document: one table of section, item and figure."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from platewatch.domain.local_time import shown
from platewatch.server.documents import Cell, TableDocument
from platewatch.server.reports.schemas import Delays, MetricsReport


def metrics_document(report: MetricsReport, who: str, at: dt.datetime, agency: str, tz: ZoneInfo) -> TableDocument:
    """Every figure of `report`, in the order of the page, with who made it and when."""
    rows: list[tuple[Cell, ...]] = [
        ("Reads", "all", report.reads),
        ("Reads", "with a position", report.reads_with_position),
        *(("Reads by unit", c.key, c.count) for c in report.reads_by_unit),
        *(("Reads by day", c.key, c.count) for c in report.reads_by_day),
        *(("Reads by hour of the day", f"{c.key}:00", c.count) for c in report.reads_by_hour),
        ("Alarms", "all", report.alerts),
        ("Alarms", "per 1,000 reads", round(report.alerts_per_1000_reads, 2)),
        *(("Alarms by list", c.key, c.count) for c in report.alerts_by_list),
        *(("Alarms by status", c.key, c.count) for c in report.alerts_by_status),
        *(("Rejections by reason", c.key, c.count) for c in report.rejections_by_reason),
        *(("Outcomes of hits", c.key, c.count) for c in report.dispositions),
        *_delays("Time to decision", report.time_to_decision),
        *(("Time to decision", f"decided {c.key}", c.count) for c in report.decision_times),
        *_delays("Time to verification", report.time_to_verification),
    ]
    for o in report.decisions_by_officer:
        rows += [
            ("Decisions by officer", f"{o.officer}: accepted", o.accepted),
            ("Decisions by officer", f"{o.officer}: rejected", o.rejected),
            ("Decisions by officer", f"{o.officer}: median seconds to decide", _seconds(o.median_seconds_to_decide)),
        ]
    rows += [
        ("Searches", "all answered", report.searches),
        *(("Searches by user", c.key, c.count) for c in report.searches_by_user),
        *(("Searches by purpose", c.key, c.count) for c in report.searches_by_purpose),
    ]
    return TableDocument(
        title=f"{agency}: LPR metrics report",
        about=(
            f"Order IV.B.3. Reads and alarms captured from {shown(report.since, tz)} to {shown(report.until, tz)}; "
            f"days are the agency's ({tz.key}).",
            f"Made {shown(at, tz)} by {who}. No plate is named in this report.",
        ),
        headers=("Section", "Item", "Figure"),
        rows=tuple(rows),
        widths=(2, 3, 1),
    )


def _delays(section: str, d: Delays) -> list[tuple[Cell, ...]]:
    return [
        (section, "alarms timed", d.count),
        (section, "median seconds", _seconds(d.median_seconds)),
        (section, "90th percentile seconds", _seconds(d.p90_seconds)),
        (section, "longest seconds", _seconds(d.longest_seconds)),
    ]


def _seconds(value: float | None) -> Cell:
    return None if value is None else round(value, 1)
