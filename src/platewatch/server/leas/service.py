"""LEAS documentation (order V.E.2f): outcomes of LPR searches recorded against their query-log rows, and the report of
stops, arrests and recoveries from LPR that lack their LEAS incident number under the LPR sub-type. Callers commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.alerts import leas_gap
from platewatch.domain.querylog import Action
from platewatch.server.accounts.service import record_event
from platewatch.server.alerts.models import Alert
from platewatch.server.errors import ApiError
from platewatch.server.leas.models import SearchOutcome
from platewatch.server.leas.schemas import LeasGapRow, LeasReport, OfficerGaps, SearchOutcomeCreate, SupervisorGaps
from platewatch.server.querylog.models import QueryLogEntry
from platewatch.server.supervision import scope

SEARCHES = {Action.SEARCH.value, Action.MAP.value, Action.VIEW_READ.value, Action.EXPORT.value}
"""Query-log actions an outcome can come from: a search, a map, a read's view, an export."""


def record_search_outcome(
    db: Session, seq: int, body: SearchOutcomeCreate, who: str, may_for_others: bool, at: dt.datetime
) -> SearchOutcome:
    """An arrest, recovery or stop that the answered search at query-log row `seq` led to; only the person who ran it
    records it (or a supervisor, `may_for_others`)."""
    entry = db.get(QueryLogEntry, seq)
    if entry is None or entry.action not in SEARCHES or entry.outcome != "ok":
        raise ApiError(404, "search_not_found", f"query-log row {seq} is no answered search, map or read view")
    if entry.username != who and not may_for_others:
        raise ApiError(403, "not_your_search", f"query-log row {seq} is {entry.username}'s search, not yours")
    if body.incident_number.strip() and not body.leas_subtype.strip():
        raise ApiError(422, "invalid_body", "leas_subtype: give the sub-type the incident was documented under")
    row = SearchOutcome(
        query_log_seq=seq, outcome=body.outcome, incident_number=body.incident_number.strip(),
        leas_subtype=body.leas_subtype.strip().upper() if body.incident_number.strip() else "",
        note=body.note.strip(), recorded_by=who, recorded_at=at,
    )  # fmt: skip
    db.add(row)
    db.flush()
    record_event(db, who, "search_outcome", "success", f"query-log row {seq}: {body.outcome}")
    return row


def report(
    db: Session, since: dt.datetime, until: dt.datetime, lpr_subtype: str, people: Collection[str] | None = None
) -> LeasReport:
    """Every stop, arrest and recovery from LPR disposed of (hits) or recorded (searches) in [since, until), and
    those not documented in LEAS under `lpr_subtype`, by officer and by supervisor; with `people` (a supervisor's
    command, V.E.2g), only the gaps of those officers."""
    gaps: list[LeasGapRow] = []
    outcomes = 0
    hits = db.scalars(
        select(Alert).where(
            Alert.disposed_at >= since, Alert.disposed_at < until, Alert.disposition.is_not(None),
            Alert.disposition != "no_action",
        ).order_by(Alert.disposed_at, Alert.id)
    )  # fmt: skip
    for a in hits:
        outcomes += 1
        problem = leas_gap(a.disposition, a.incident_number, a.leas_subtype, lpr_subtype)
        if problem and a.disposed_at is not None:
            row = LeasGapRow(source="alert", id=a.id, query_log_seq=None, outcome=a.disposition or "",
                             officer=a.disposed_by or "unknown", at=a.disposed_at, incident_number=a.incident_number,
                             leas_subtype=a.leas_subtype, problem=problem)  # fmt: skip
            gaps.append(row)
    searches = list(db.scalars(select(SearchOutcome).where(SearchOutcome.recorded_at >= since,
                                                           SearchOutcome.recorded_at < until)
                               .order_by(SearchOutcome.recorded_at, SearchOutcome.id)))  # fmt: skip
    for s in searches:
        outcomes += 1
        problem = leas_gap(s.outcome, s.incident_number, s.leas_subtype, lpr_subtype)
        if problem:
            gaps.append(LeasGapRow(source="search", id=s.id, query_log_seq=s.query_log_seq, outcome=s.outcome,
                                   officer=s.recorded_by, at=s.recorded_at, incident_number=s.incident_number,
                                   leas_subtype=s.leas_subtype, problem=problem))  # fmt: skip
    if people is not None:
        gaps = [g for g in gaps if g.officer in people]
    counts: dict[str, int] = {}
    for g in gaps:
        counts[g.officer] = counts.get(g.officer, 0) + 1
    by_officer = [OfficerGaps(officer=o, count=n) for o, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    by_supervisor = [SupervisorGaps(supervisor=s, count=n) for s, n in scope.gaps_per_supervisor(db, counts)]
    return LeasReport(since=since, until=until, lpr_subtype=lpr_subtype.strip().upper(), outcomes=outcomes,
                      from_searches=len(searches), undocumented=gaps, by_officer=by_officer,
                      by_supervisor=by_supervisor)  # fmt: skip


def document_search_outcome(
    db: Session, outcome_id: int, incident_number: str, leas_subtype: str, who: str, may_for_others: bool
) -> SearchOutcome:
    """The LEAS incident number and sub-type of a search's outcome, given after the fact."""
    row = db.get(SearchOutcome, outcome_id)
    if row is None:
        raise ApiError(404, "not_found", f"no search outcome {outcome_id}")
    if row.recorded_by != who and not may_for_others:
        raise ApiError(403, "not_yours", f"search outcome {outcome_id} was recorded by {row.recorded_by}")
    row.incident_number, row.leas_subtype = incident_number.strip(), leas_subtype.strip().upper()
    record_event(db, who, "search_outcome_documented", "success", f"search outcome {outcome_id}")
    return row
