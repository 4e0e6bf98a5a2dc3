"""Audits of data use (order V.D.10): open one over a period (the query log verified, accesses drawn at random),
record a finding for each, close it with a summary. Functions never commit."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platewatch.domain import audits as rules
from platewatch.domain.querylog import Outcome
from platewatch.server.accounts.service import record_event
from platewatch.server.audits.models import Audit, AuditItem
from platewatch.server.audits.schemas import AuditItemPublic, AuditOpen, AuditPublic, Finding
from platewatch.server.data_requests import service as data_requests
from platewatch.server.errors import ApiError
from platewatch.server.querylog import service as querylog
from platewatch.server.querylog.models import QueryLogEntry
from platewatch.server.querylog.schemas import QueryLogPublic

_DRAW = random.SystemRandom()
"""The operating system's randomness: which accesses an audit reads cannot be known in advance."""


class AuditError(ApiError):
    """An audit that cannot be opened, changed or closed as asked; the message says why."""


def open_audit(db: Session, body: AuditOpen, actor: str, now: dt.datetime) -> Audit:
    """Verify the query log's chain, then draw the sample from the period's answered accesses."""
    until = body.until or now
    since = body.since or until - rules.EVERY
    if since.tzinfo is None or until.tzinfo is None:
        raise AuditError(422, "bad_audit", "since and until need a time zone")
    if since >= until:
        raise AuditError(422, "bad_audit", "since must be before until")
    checked, problems = querylog.verify(db)
    stmt = select(QueryLogEntry.seq).where(
        QueryLogEntry.at >= since, QueryLogEntry.at < until, QueryLogEntry.outcome == Outcome.OK.value
    )
    seqs = list(db.scalars(stmt))
    if not seqs:
        raise AuditError(
            422, "nothing_to_audit", f"no access to LPR data between {since:%Y-%m-%d} and {until:%Y-%m-%d}"
        )
    audit = Audit(
        period_start=since, period_end=until, accesses_in_period=len(seqs), log_intact=not problems,
        log_rows_checked=checked, opened_by=actor, opened_at=now, summary="",
    )  # fmt: skip
    db.add(audit)
    db.flush()
    # Every access made for a data request (a release of LPR data, V.D.7-8) is reviewed, besides those drawn.
    drawn = set(rules.sample(seqs, body.sample_size, _DRAW)) | set(data_requests.linked_seqs(db, since, until))
    for seq in sorted(drawn):
        db.add(AuditItem(audit_id=audit.id, query_log_seq=seq, note=""))
    db.flush()
    detail = f"audit {audit.id}: {len(drawn)} of {len(seqs)} accesses, log intact: {not problems}"
    record_event(db, actor, "audit_opened", "success", detail)
    return audit


def get(db: Session, audit_id: int) -> Audit:
    audit = db.get(Audit, audit_id)
    if audit is None:
        raise AuditError(404, "not_found", f"no audit {audit_id}")
    return audit


def items(db: Session, audit: Audit) -> list[AuditItemPublic]:
    """The sampled accesses with their query-log rows, in log order."""
    stmt = (
        select(AuditItem, QueryLogEntry)
        .join(QueryLogEntry, QueryLogEntry.seq == AuditItem.query_log_seq)
        .where(AuditItem.audit_id == audit.id)
        .order_by(AuditItem.query_log_seq)
    )
    return [
        AuditItemPublic(
            entry=QueryLogPublic.model_validate(entry, from_attributes=True),
            finding=item.finding,
            note=item.note,
            reviewed_by=item.reviewed_by,
            reviewed_at=item.reviewed_at,
        )
        for item, entry in db.execute(stmt).all()
    ]


def review(db: Session, audit: Audit, seq: int, finding: Finding, actor: str, now: dt.datetime) -> AuditItem:
    """Record (or correct, until the audit is closed) the finding for one sampled access."""
    if audit.closed_at is not None:
        raise AuditError(409, "audit_closed", f"audit {audit.id} was closed on {audit.closed_at:%Y-%m-%d}")
    item = db.scalar(select(AuditItem).where(AuditItem.audit_id == audit.id, AuditItem.query_log_seq == seq))
    if item is None:
        raise AuditError(404, "not_sampled", f"query-log row {seq} is not in the sample of audit {audit.id}")
    if finding.finding != "compliant" and len(finding.note.strip()) < 5:
        raise AuditError(422, "note_required", f"a finding of '{finding.finding}' needs a note saying what")
    item.finding, item.note, item.reviewed_by, item.reviewed_at = finding.finding, finding.note.strip(), actor, now
    db.flush()
    return item


def close(db: Session, audit: Audit, summary: str, actor: str, now: dt.datetime) -> Audit:
    """Close the audit: every sampled access reviewed, a summary written; it cannot change afterwards."""
    if audit.closed_at is not None:
        raise AuditError(409, "audit_closed", f"audit {audit.id} was closed on {audit.closed_at:%Y-%m-%d}")
    findings = db.scalars(select(AuditItem.finding).where(AuditItem.audit_id == audit.id)).all()
    problem = rules.closing_problem(findings, summary)
    if problem is not None:
        raise AuditError(409, "audit_incomplete", problem)
    audit.closed_by, audit.closed_at, audit.summary = actor, now, summary.strip()
    counts = Counter(findings)
    record_event(db, actor, "audit_closed", "success", f"audit {audit.id}: {dict(sorted(counts.items()))}")
    db.flush()
    return audit


def public(db: Session, audit: Audit) -> AuditPublic:
    rows = db.execute(
        select(AuditItem.finding, func.count()).where(AuditItem.audit_id == audit.id).group_by(AuditItem.finding)
    ).all()
    findings = {(f or "open"): int(n) for f, n in rows}
    return AuditPublic(
        refused=refused_by_person(db, audit.period_start, audit.period_end),
        id=audit.id, period_start=audit.period_start, period_end=audit.period_end,
        accesses_in_period=audit.accesses_in_period, log_intact=audit.log_intact,
        log_rows_checked=audit.log_rows_checked, opened_by=audit.opened_by, opened_at=audit.opened_at,
        closed_by=audit.closed_by, closed_at=audit.closed_at, summary=audit.summary, findings=findings,
    )  # fmt: skip


def refused_by_person(db: Session, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """Refused attempts at LPR data in the period (the sample holds only answered accesses), by person, most first:
    repeated refusals are worth the auditor's question."""
    stmt = (
        select(QueryLogEntry.username, func.count())
        .where(QueryLogEntry.at >= since, QueryLogEntry.at < until, QueryLogEntry.outcome == Outcome.REFUSED.value)
        .group_by(QueryLogEntry.username)
    )
    counts = [(str(who), int(n)) for who, n in db.execute(stmt).all()]
    return dict(sorted(counts, key=lambda c: (-c[1], c[0])))


def all_audits(db: Session) -> list[Audit]:
    return list(db.scalars(select(Audit).order_by(Audit.id.desc())))


def due(db: Session, now: dt.datetime) -> bool:
    """V.D.10: true when no audit was closed in the last six months."""
    return rules.is_due(db.scalar(select(func.max(Audit.closed_at))), now)
