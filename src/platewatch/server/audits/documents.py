"""An audit's findings (order V.D.10) as a CSV or PDF document: the audit's period and summary, then each sampled
access with what the auditor found."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from platewatch.domain.local_time import shown
from platewatch.server.audits.schemas import AuditDetail
from platewatch.server.data_requests.schemas import RequestDetail
from platewatch.server.documents import TableDocument
from platewatch.server.querylog.documents import LOG_HEADERS, log_cells


def audit_document(audit: AuditDetail, who: str, at: dt.datetime, agency: str, tz: ZoneInfo) -> TableDocument:
    findings = ", ".join(f"{n} {k}" for k, n in sorted(audit.findings.items())) or "none recorded yet"
    closed = (
        f"Closed {shown(audit.closed_at, tz)} by {audit.closed_by}." if audit.closed_at is not None else "Still open."
    )
    return TableDocument(
        title=f"{agency}: audit {audit.id} of LPR data use",
        about=(
            f"Order V.D.10. Period {shown(audit.period_start, tz)} to {shown(audit.period_end, tz)}: "
            f"{audit.accesses_in_period} accesses, {len(audit.items)} drawn at random.",
            f"Query log {'intact' if audit.log_intact else 'NOT intact'} ({audit.log_rows_checked} rows checked).",
            f"Opened {shown(audit.opened_at, tz)} by {audit.opened_by}. {closed}",
            f"Findings: {findings}.",
            f"Summary: {audit.summary or '-'}",
            f"This copy made {shown(at, tz)} by {who}. Times are the agency's ({tz.key}).",
            f"Data requests received in the period (V.D.7-8): {len(audit.requests)}; every access made for one is in "
            "the table (its parameters name the request).",
            *(_request_line(r, tz) for r in audit.requests),
        ),
        headers=(*LOG_HEADERS, "Finding", "Note", "Reviewed by"),
        rows=tuple(
            (
                *log_cells(i.entry, shown(i.entry.at, tz, seconds=True)),
                i.finding or "not reviewed",
                i.note,
                i.reviewed_by or "",
            )
            for i in audit.items
        ),
        widths=(0.8, 1.6, 1.1, 1.1, 2.2, 1.8, 1.1, 0.7, 0.9, 1.1, 1.8, 1.1),
    )


def _request_line(r: RequestDetail, tz: ZoneInfo) -> str:
    """One data request as a line of the document: who asked, the decision, the release, the accesses made for it."""
    unit = f" ({r.agency_unit})" if r.agency_unit else ""
    decided = f"; {r.status} by {r.reviewed_by} {shown(r.reviewed_at, tz)}: {r.decision_note}" if r.reviewed_by else ""
    released = f"; released {shown(r.released_at, tz)}: {r.released}" if r.released_at else ""
    closed = f"; closed {shown(r.finished_at, tz)}: {r.finish_note}" if r.status == "closed" else ""
    rows = ", ".join(f"{a.seq} ({a.action}, {a.outcome})" for a in r.accesses) or "none"
    return (
        f"Request {r.id}, received {shown(r.received_at, tz)} from {r.requester}, {r.agency}{unit}, "
        f"case {r.case_number}, legal basis: {r.legal_basis}{decided}{released}{closed}; final status {r.status}; "
        f"accesses (log rows): {rows}."
    )
