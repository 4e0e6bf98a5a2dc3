"""Query-log rows as a CSV or PDF document for auditors: what was asked, by whom, why, and each row's chained hash."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from platewatch.domain.local_time import shown, with_offset
from platewatch.server.documents import Cell, TableDocument
from platewatch.server.querylog.models import QueryLogEntry

LOG_HEADERS = ("Log row", "When", "User", "Action", "Parameters", "Purpose", "Case", "Results", "Outcome")
"""The columns of a query-log row in a document (this export, an audit's findings)."""


class LogRow(Protocol):
    """A query-log row as stored or as the API answers it."""

    seq: int
    username: str
    action: str
    parameters: dict[str, Any]
    purpose: str
    case_number: str
    result_count: int
    outcome: str


def log_cells(row: LogRow, when: str) -> tuple[Cell, ...]:
    """The cells of `row` under LOG_HEADERS, its time already written as `when`."""
    return (row.seq, when, row.username, row.action, json.dumps(row.parameters, sort_keys=True), row.purpose,
            row.case_number, row.result_count, row.outcome)  # fmt: skip


def querylog_document(rows: Sequence[QueryLogEntry], filters: str, cut_at: int | None, who: str, at: dt.datetime,
                      agency: str, tz: ZoneInfo) -> TableDocument:  # fmt: skip
    """The rows as a document; `cut_at`: the most rows it may hold, when more matched (None: these are all)."""
    more = (f" More rows match: this document holds the newest {cut_at:,}; narrow the filters or the dates."
            if cut_at is not None else " These are all the rows that match.")  # fmt: skip
    return TableDocument(
        title=f"{agency}: LPR Data Query Log",
        about=(
            f"Order V.D.7-8. {len(rows)} rows, newest first; filters: {filters or 'none'}.{more}",
            f"Made {shown(at, tz)} by {who}. Times are the agency's ({tz.key}) with their UTC offset. Check the chain "
            "with GET /api/v1/querylog/verify.",
        ),
        headers=(*LOG_HEADERS, "Row hash"),
        rows=tuple((*log_cells(r, with_offset(r.at, tz)), r.row_hash) for r in rows),
        widths=(0.6, 1.6, 1, 1, 2, 2, 1, 0.6, 0.8, 2.2),
    )
