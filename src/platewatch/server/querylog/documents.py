"""Query-log rows as a CSV document for auditors: what was asked, by whom, why, and the hash that chains each row."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from platewatch.server.documents import TableDocument
from platewatch.server.querylog.models import QueryLogEntry


def querylog_document(rows: Sequence[QueryLogEntry], filters: str, truncated: bool, who: str, at: dt.datetime,
                      agency: str) -> TableDocument:  # fmt: skip
    more = " More rows match: narrow the filters or the dates." if truncated else ""
    return TableDocument(
        title=f"{agency}: LPR Data Query Log",
        about=(
            f"Order V.D.7-8. {len(rows)} rows, newest first; filters: {filters or 'none'}.{more}",
            f"Made {at:%Y-%m-%d %H:%M} UTC by {who}. Check the chain with GET /api/v1/querylog/verify.",
        ),
        headers=(
            "Log row",
            "When (UTC)",
            "User",
            "Action",
            "Parameters",
            "Purpose",
            "Case",
            "Results",
            "Outcome",
            "Row hash",
        ),
        rows=tuple(
            (
                r.seq,
                r.at.strftime("%Y-%m-%d %H:%M:%S"),
                r.username,
                r.action,
                json.dumps(r.parameters, sort_keys=True),
                r.purpose,
                r.case_number,
                r.result_count,
                r.outcome,
                r.row_hash,
            )
            for r in rows
        ),
    )
