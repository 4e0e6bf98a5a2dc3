"""Accept and reject pressed on the unit (order V.E.5), applied to the server's alerts: the same rows the web
queue shows and dispatch verifies. Each decision is its own savepoint; functions never commit."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.alerts import AlertStatus
from platewatch.domain.matching import STATE_MISMATCH_PENALTY
from platewatch.domain.plates import canonical, similar_plates
from platewatch.server.accounts.models import Unit
from platewatch.server.alerts import repeats
from platewatch.server.alerts import service as alerts
from platewatch.server.alerts.models import Alert
from platewatch.server.hotlists.models import HotList, HotListEntryRow, HotListVersion
from platewatch.server.hotlists.service import latest_version
from platewatch.server.reads.models import Read
from platewatch.server.unit_shifts.models import UnitShift
from platewatch.server.unit_shifts.schemas import DecisionIn, DecisionResult, Outcome

log = logging.getLogger(__name__)

AFTER_SHIFT = dt.timedelta(minutes=5)
"""A decision may be dated this long after its shift ended (the officer finished the alert on screen)."""
CLOCK_SKEW = dt.timedelta(minutes=5)
"""The car computer's clock may run this far behind the server's: a decision taken just after log-on, dated by the
unit, is not refused as taken before the shift."""
ENDED_BY_SERVER = {
    "disabled": "the officer's account was disabled",
    "role_changed": "the officer's role was changed",
    "unit_revoked": "the unit's access was revoked",
}
"""Shifts the server ended (`UnitShift.end_reason`), and why: the officer may no longer take alerts in the car, so
no time after the end is allowed for finishing one (only for the unit's clock)."""


class NotRecorded(Exception):
    """Any outcome but "recorded": raised inside the decision's savepoint, so nothing of it is kept."""

    def __init__(self, outcome: Outcome, message: str, alert_id: int | None = None) -> None:
        super().__init__(message)
        self.outcome, self.message, self.alert_id = outcome, message, alert_id


def decide_all(db: Session, unit: Unit, items: list[DecisionIn], now: dt.datetime) -> list[DecisionResult]:
    """One result per decision, in order; a decision that is not recorded leaves nothing behind."""
    results = []
    for item in items:
        try:
            with db.begin_nested():
                alert, message = decide(db, unit, item, now)
            results.append(DecisionResult(id=item.id, outcome="recorded", alert_id=alert.id, message=message))
        except NotRecorded as exc:
            results.append(DecisionResult(id=item.id, outcome=exc.outcome, alert_id=exc.alert_id, message=exc.message))
    log.info(
        "unit %s: %d decision(s), %d recorded", unit.name, len(items), sum(r.outcome == "recorded" for r in results)
    )
    return results


def decide(db: Session, unit: Unit, item: DecisionIn, now: dt.datetime) -> tuple[Alert, str]:
    """Apply one decision to its alert (the alert its read was counted on as a repeat, or one raised when the server
    had none); NotRecorded otherwise."""
    shift = _shift(db, unit, item)
    hotlist = db.get(HotList, item.list_id)
    if hotlist is None or hotlist.covert:  # covert lists never reach units
        raise NotRecorded("refused", f"no hot list {item.list_id} for units")
    # Locked until the decision commits, as a foreign key would (none on PostgreSQL, ADR 0019): a purge waits for it.
    read = db.scalar(
        select(Read).where(Read.id == item.read_id, Read.unit_id == unit.id).with_for_update(key_share=True)
    )
    if read is None:  # another unit's read is as unknown as a read not yet uploaded
        raise NotRecorded("read_not_stored", f"read {item.read_id} is not stored yet: upload it first")
    alert = _existing(db, item) or repeats.alert_of_counted_read(db, read.id, item.list_id, item.plate, item.state)
    raised = alert is None
    if alert is None:
        alert = _raise(db, hotlist, read, item, now)
    _apply(db, alert, item, shift.username, existing=not raised)
    what = "raised on the unit and " if raised else ""
    return alert, f"alert {alert.id} {what}{item.decision} by {shift.username}"


def _shift(db: Session, unit: Unit, item: DecisionIn) -> UnitShift:
    shift = db.get(UnitShift, item.shift)
    if shift is None or shift.unit_id != unit.id:
        raise NotRecorded("refused", f"shift {item.shift} is not a shift of this unit")
    if item.decided_at < shift.started_at - CLOCK_SKEW:
        raise NotRecorded("refused", f"decided at {item.decided_at:%Y-%m-%d %H:%M:%S%z}, before shift {shift.id} began")
    if shift.ended_at is not None and shift.end_reason in ENDED_BY_SERVER:
        if item.decided_at > shift.ended_at + CLOCK_SKEW:
            why = ENDED_BY_SERVER[shift.end_reason]
            raise NotRecorded("refused", f"decided after the server ended shift {shift.id}: {why}")
    elif shift.ended_at is not None and item.decided_at > shift.ended_at + AFTER_SHIFT + CLOCK_SKEW:
        raise NotRecorded("refused", f"decided more than 10 minutes after shift {shift.id} ended")
    return shift


def _existing(db: Session, item: DecisionIn) -> Alert | None:
    """The server's alert for this read and listed vehicle (list, plate, state), whichever version it hit."""
    state = HotListEntryRow.state.is_(None) if item.state is None else HotListEntryRow.state == item.state
    stmt = (
        select(Alert)
        .join(HotListEntryRow, HotListEntryRow.id == Alert.entry_id)
        .where(Alert.read_id == item.read_id, Alert.hotlist_id == item.list_id, HotListEntryRow.plate == item.plate)
        .where(state)
        .order_by(Alert.id)
        .limit(1)
        .with_for_update(of=Alert)
    )
    return db.scalar(stmt)


def _entry(db: Session, version: HotListVersion | None, item: DecisionIn) -> HotListEntryRow | None:
    if version is None:
        return None
    state = HotListEntryRow.state.is_(None) if item.state is None else HotListEntryRow.state == item.state
    stmt = select(HotListEntryRow).where(HotListEntryRow.version_id == version.id, HotListEntryRow.plate == item.plate)
    return db.scalars(stmt.where(state).order_by(HotListEntryRow.id).limit(1)).first()


def match_kind(text: str, plate: str) -> str | None:
    """How `text` matches the listed `plate` (the domain's rules): exact, lookalike, one_edit or not at all."""
    if text == plate:
        return "exact"
    if canonical(text) == canonical(plate):
        return "lookalike"
    return "one_edit" if similar_plates(text, plate) else None


def reason(kind: str, text: str, plate: str) -> str:
    """Why the unit alerted, in the words of the server's own hits."""
    if kind == "exact":
        return f"exact match of {text} read on the unit"
    if kind == "lookalike":
        pairs = ", ".join(f"{a}~{b}" for a, b in zip(text, plate, strict=True) if a != b)
        return f"look-alike characters ({pairs}) in {text} read on the unit"
    return f"one character added, dropped or changed in {text} read on the unit"


def _raise(db: Session, hotlist: HotList, read: Read, item: DecisionIn, now: dt.datetime) -> Alert:
    """The unit alerted on a hit the server did not raise (a single frame's reading, an older list): raise it,
    on the entry of the version the unit had (or the list's newest)."""
    version = latest_version(db, hotlist.id, item.hotlist_version) if item.hotlist_version else None
    row = _entry(db, version, item)
    if row is None:
        version = latest_version(db, hotlist.id)
        row = _entry(db, version, item)
    if row is None or version is None:
        listed = f"{item.plate} {item.state or ''}".strip()
        raise NotRecorded("refused", f"{listed} is not on hot list {hotlist.name!r}")
    kind = match_kind(item.matched_text, item.plate)
    if kind != item.match_kind:
        raise NotRecorded("refused", f"{item.matched_text} is not a {item.match_kind} match of {item.plate}")
    state_match = None if not (read.state and row.state) else read.state == row.state
    alert = Alert(
        read_id=read.id, entry_id=row.id, hotlist_id=hotlist.id, version_id=version.id,
        created_at=min(item.decided_at, now), origin="unit", match_kind=kind, matched_text=item.matched_text,
        reason=reason(kind, item.matched_text, item.plate)[:200],
        priority=hotlist.priority + (STATE_MISMATCH_PENALTY if state_match is False else 0),
        state_match=state_match, covert=hotlist.covert, status=AlertStatus.PENDING.value,
    )  # fmt: skip
    db.add(alert)
    db.flush()
    return alert


def _apply(db: Session, alert: Alert, item: DecisionIn, who: str, *, existing: bool) -> None:
    """The domain's accept/reject through the alert service; a decided alert is left as it is."""
    if alert.status != AlertStatus.PENDING.value:
        decided = "rejected" if alert.status == AlertStatus.REJECTED.value else "accepted"
        same = decided == item.decision and (decided == "accepted" or alert.reject_reason == item.reject_reason)
        if same and alert.decided_by == who:
            raise NotRecorded("already_recorded", f"alert {alert.id} was already {decided} by {who}", alert.id)
        when = f" at {alert.decided_at:%Y-%m-%d %H:%M} UTC" if alert.decided_at else ""
        by = f"{decided} by {alert.decided_by or 'someone'}{when}"
        now_is = by if alert.status == decided else f"{alert.status} ({by})"
        raise NotRecorded("conflict", f"alert {alert.id} was already {now_is}", alert.id)
    known = alert.id if existing else None  # an alert raised in this savepoint is undone with it
    try:
        if item.decision == "accepted":
            alerts.transition(db, alert.id, "accept", who, item.decided_at)
        elif item.reject_reason is None:
            raise NotRecorded("refused", "a rejection needs a reason", known)
        else:
            alerts.transition(db, alert.id, "reject", who, item.decided_at, reason=item.reject_reason, note=item.note)
    except alerts.AlertError as exc:
        raise NotRecorded("refused", exc.message, known) from exc
