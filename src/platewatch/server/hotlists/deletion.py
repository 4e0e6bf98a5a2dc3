"""Deleting a retired hot list that no kept read or alert needs (order V.D.3), with the refusal saying why not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from platewatch.domain.retention import ListUse, deletion_refusal, reads_needing_list
from platewatch.server.accounts.service import record_event
from platewatch.server.alerts.models import Alert
from platewatch.server.governance.models import HeldRead, LegalHold
from platewatch.server.hotlists.models import HotList, HotListEntryRow, HotListVersion
from platewatch.server.hotlists.service import HotListError
from platewatch.server.reads.models import Read


@dataclass(frozen=True)
class Deleted:
    id: int
    name: str
    versions: int


def _held() -> Select[uuid.UUID]:
    """The ids of the reads an unreleased legal hold preserves."""
    return (
        select(HeldRead.read_id)
        .join(LegalHold, LegalHold.id == HeldRead.hold_id)
        .where(LegalHold.released_at.is_(None))
    )


def list_use(db: Session, hotlist: HotList) -> ListUse:
    """The kept alerts on `hotlist` and the kept reads compared against its entries, held ones counted apart."""
    held = _held()
    on_list = select(func.count()).select_from(Alert).where(Alert.hotlist_id == hotlist.id)
    alerts = int(db.scalar(on_list) or 0)
    held_alerts = int(db.scalar(on_list.where(Alert.read_id.in_(held))) or 0) if alerts else 0
    versions = [
        (int(i), int(n))
        for i, n in db.execute(
            select(HotListVersion.id, HotListVersion.entry_count)
            .where(HotListVersion.hotlist_id == hotlist.id)
            .order_by(HotListVersion.id)
        )
    ]
    per_version = select(Read.hotlist_version, func.count()).where(Read.hotlist_version.is_not(None))
    counts = {int(g or 0): int(n) for g, n in db.execute(per_version.group_by(Read.hotlist_version))}
    needing = set(reads_needing_list(versions, counts))
    reads = sum(counts[g] for g in needing)
    held_reads = 0
    if reads:
        held_per_version = per_version.where(Read.id.in_(held)).group_by(Read.hotlist_version)
        held_reads = sum(int(n) for g, n in db.execute(held_per_version) if int(g or 0) in needing)
    return ListUse(hotlist.active, alerts, held_alerts, reads, held_reads)


def delete_list(db: Session, hotlist: HotList, *, actor: str) -> Deleted:
    """Delete a retired list with all its versions and entries, in the audit trail; HotListError ("list_active",
    "list_needed") when V.D.3 keeps it, the refusal recorded too."""
    refusal = deletion_refusal(hotlist.name, list_use(db, hotlist))
    if refusal is not None:
        code = "list_active" if hotlist.active else "list_needed"
        raise HotListError(code, refusal)
    version_ids = select(HotListVersion.id).where(HotListVersion.hotlist_id == hotlist.id)
    db.execute(delete(HotListEntryRow).where(HotListEntryRow.version_id.in_(version_ids)))
    versions = db.execute(delete(HotListVersion).where(HotListVersion.hotlist_id == hotlist.id))
    count = int(getattr(versions, "rowcount", 0) or 0)
    done = Deleted(hotlist.id, hotlist.name, count)
    db.delete(hotlist)
    db.flush()
    record_event(db, actor, "hotlist_deleted", "success", f"{done.name} (list {done.id}): {count} version(s)"[:500])
    return done


def record_refusal(db: Session, hotlist: HotList, actor: str, message: str) -> None:
    """A refused deletion in the audit trail (its own transaction's work: the caller commits)."""
    record_event(db, actor, "hotlist_deleted", "failure", f"{hotlist.name} (list {hotlist.id}): {message}"[:500])
