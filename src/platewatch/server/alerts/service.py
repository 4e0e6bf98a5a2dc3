"""Alerts: raise them for reads that hit the hot list (at ingest and retroactively) and move them
through the lifecycle of the domain's state machine. Functions never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain import alerts as rules
from platewatch.domain.matching import Hit, ListedEntry, StateRule
from platewatch.server.alerts import repeats
from platewatch.server.alerts.matcher import LoadedIndex, Matcher
from platewatch.server.alerts.models import Alert
from platewatch.server.areas.scope import unrestricted
from platewatch.server.hotlists.batch_index import ListIndex
from platewatch.server.hotlists.models import HotList
from platewatch.server.hotlists.service import StoredEntry
from platewatch.server.reads.models import Read
from platewatch.server.settings import Settings


@dataclass(frozen=True, slots=True)
class ReadForMatching:
    id: uuid.UUID
    plate: str
    candidates: tuple[str, ...]
    state: str | None


def texts(read: ReadForMatching) -> list[str]:
    out = [read.plate]
    out += [c for c in read.candidates if c not in out]
    return out


def _alert(read_id: uuid.UUID, hit: Hit, version: int, origin: str, covert: bool, now: dt.datetime) -> dict[str, Any]:
    return {
        "read_id": read_id,
        "entry_id": hit.listed.ref,
        "hotlist_id": int(hit.listed.list_id),
        "version_id": version,
        "created_at": now,
        "origin": origin,
        "match_kind": hit.kind.label,
        "matched_text": hit.matched_text,
        "reason": hit.reason[:200],
        "priority": hit.priority,
        "state_match": hit.state_match,
        "covert": covert,
        "status": rules.AlertStatus.PENDING.value,
    }


def raise_alerts(
    db: Session,
    reads: Iterable[ReadForMatching],
    loaded: LoadedIndex,
    now: dt.datetime,
    *,
    origin: str = "ingest",
    index: ListIndex | None = None,
    state_rule: StateRule = StateRule.LOWER,
    batch: int = 10_000,
    repeat_window: dt.timedelta = dt.timedelta(0),
) -> list[dict[str, Any]]:
    """Match the reads (in batches, vectorized) and insert one alert per hit entry; returns the rows. With a
    `repeat_window`, a live hit that repeats a standing alert of its unit is counted on it instead (ADR 0012)."""
    idx = index or loaded.index
    rows: list[dict[str, Any]] = []
    listed: list[tuple[str, str | None]] = []
    pending: list[ReadForMatching] = []

    def flush() -> None:
        found = idx.match([(texts(r), r.state) for r in pending], state_rule)
        for read, hits in zip(pending, found, strict=True):
            for hit in hits:
                list_id = int(hit.listed.list_id)
                if not hit.is_exact and list_id in loaded.exact_only_lists:
                    continue
                covert = list_id in loaded.covert_lists
                rows.append(_alert(read.id, hit, loaded.version, origin, covert, now))
                listed.append((hit.listed.entry.plate, hit.listed.entry.state))
        pending.clear()

    for read in reads:
        pending.append(read)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if rows:
        existing = {
            (r, e)
            for r, e in db.execute(
                select(Alert.read_id, Alert.entry_id).where(Alert.read_id.in_({row["read_id"] for row in rows}))
            )
        }
        kept = [i for i, r in enumerate(rows) if (r["read_id"], r["entry_id"]) not in existing]
        if origin != "ingest":  # an ingest's reads are its own, not yet committed: no purge can see them
            stored = still_stored(db, {rows[i]["read_id"] for i in kept})
            kept = [i for i in kept if rows[i]["read_id"] in stored]
        rows, listed = [rows[i] for i in kept], [listed[i] for i in kept]
        if origin == "ingest" and repeat_window > dt.timedelta(0):
            return repeats.raise_or_count(db, rows, listed, repeat_window, now)
        for row in rows:
            db.add(Alert(**row))
        db.flush()
    return rows


def still_stored(db: Session, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The reads among `ids` still stored, locked (FOR KEY SHARE) until the transaction ends: a purge deleting one
    meanwhile waits for this transaction, then deletes the alert raised on it too; one that deleted it first leaves it
    out here. On PostgreSQL no foreign key does this for alerts (ADR 0019); SQLite has one writer at a time."""
    if not ids:
        return set()
    return set(db.scalars(select(Read.id).where(Read.id.in_(ids)).with_for_update(key_share=True)))


def retro_hits(
    db: Session,
    new_entries: Sequence[StoredEntry],
    hotlist: HotList,
    loaded: LoadedIndex,
    now: dt.datetime,
    retention_days: int,
    state_rule: StateRule = StateRule.LOWER,
) -> int:
    """Search the retained reads for newly listed plates and raise historical alerts for review; not the plates a unit
    found but could not read (`found_only`, ADR 0025), which ingest matches against no list either."""
    if not new_entries:
        return 0
    index = ListIndex([ListedEntry(s.entry, str(s.hotlist_id), hotlist.priority, s.row_id) for s in new_entries])
    since = now - dt.timedelta(days=retention_days)
    stmt = (
        select(Read.id, Read.plate, Read.candidates, Read.state)
        .where(Read.captured_at >= since, Read.found_only.is_(False))
        .execution_options(yield_per=5000)
    )
    reads = (
        ReadForMatching(rid, plate, tuple(c["plate"] for c in (cands or []) if isinstance(c, dict)), state)
        for rid, plate, cands, state in db.execute(stmt)
    )
    return len(raise_alerts(db, reads, loaded, now, origin="retro", index=index, state_rule=state_rule))


def retro_hits_for_change(
    db: Session,
    matcher: Matcher,
    settings: Settings,
    hotlist: HotList,
    new_entries: Sequence[StoredEntry],
    now: dt.datetime,
) -> int:
    """After a list changed: historical alerts for its new entries, with the configured state rule."""
    rule = StateRule(settings.hotlist_state_rule)
    with unrestricted(db):  # every retained read is matched, whoever changed the list (ADR 0018)
        return retro_hits(db, new_entries, hotlist, matcher.current(db, now), now, settings.retention_days, rule)


class AlertError(ValueError):
    def __init__(self, code: str, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def state_of(alert: Alert) -> rules.AlertState:
    return rules.AlertState(
        status=rules.AlertStatus(alert.status),
        decided_by=alert.decided_by,
        decided_at=alert.decided_at,
        reject_reason=rules.RejectReason(alert.reject_reason) if alert.reject_reason else None,
        reject_note=alert.reject_note,
        verified_by=alert.verified_by,
        verified_at=alert.verified_at,
        verification_note=alert.verification_note,
        disposition=rules.Disposition(alert.disposition) if alert.disposition else None,
        incident_number=alert.incident_number,
        leas_subtype=alert.leas_subtype,
        disposed_by=alert.disposed_by,
        disposed_at=alert.disposed_at,
    )


def apply(alert: Alert, new: rules.AlertState) -> None:
    alert.status = new.status.value
    alert.decided_by, alert.decided_at = new.decided_by, new.decided_at
    alert.reject_reason = new.reject_reason.value if new.reject_reason else None
    alert.reject_note = new.reject_note
    alert.verified_by, alert.verified_at = new.verified_by, new.verified_at
    alert.verification_note = new.verification_note
    alert.disposition = new.disposition.value if new.disposition else None
    alert.incident_number, alert.leas_subtype = new.incident_number, new.leas_subtype
    alert.disposed_by, alert.disposed_at = new.disposed_by, new.disposed_at


def get(db: Session, alert_id: int) -> Alert:
    alert = db.get(Alert, alert_id)
    if alert is None:
        raise AlertError("not_found", f"no alert {alert_id}", 404)
    return alert


def transition(db: Session, alert_id: int, action: str, who: str, now: dt.datetime, **kw: Any) -> Alert:
    alert = get(db, alert_id)
    state = state_of(alert)
    try:
        if action == "accept":
            new = rules.accept(state, who, now)
        elif action == "reject":
            new = rules.reject(state, who, now, kw["reason"], kw.get("note", ""))
        elif action == "verify":
            new = rules.verify(state, who, now, kw["confirmed"], kw.get("note", ""))
        elif action == "dispose":
            new = rules.dispose(
                state, who, now, kw["disposition"], kw.get("incident_number", ""), kw.get("leas_subtype", "")
            )
        elif action == "document":
            new = rules.document_in_leas(state, kw["incident_number"], kw["leas_subtype"])
        else:
            raise AlertError("bad_action", f"unknown action {action!r}", 400)
    except rules.InvalidTransition as exc:
        raise AlertError("invalid_transition", str(exc)) from exc
    apply(alert, new)
    return alert
