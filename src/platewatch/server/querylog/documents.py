"""Query-log rows as a CSV document for auditors: what was asked, by whom, why, and the hash that chains each row."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from platewatch.domain.local_time import shown, with_offset
from platewatch.server.documents import TableDocument
from platewatch.server.querylog.models import QueryLogEntry


def querylog_document(rows: Sequence[QueryLogEntry], filters: str, truncated: bool, who: str, at: dt.datetime,
                      agency: str, tz: ZoneInfo) -> TableDocument:  # fmt: skip
    more = " More rows match: narrow the filters or the dates." if truncated else ""
    return TableDocument(
        title=f"{agency}: LPR Data Query Log",
        about=(
            f"Order V.D.7-8. {len(rows)} rows, newest first; filters: {filters or 'none'}.{more}",
            f"Made {shown(at, tz)} by {who}. Times are the agency's ({tz.key}) with their UTC offset. Check the chain "
            "with GET /api/v1/querylog/verify.",
        ),
        headers=(
            "Log row",
            "When",
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
                with_offset(r.at, tz),
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
