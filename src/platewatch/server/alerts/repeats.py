"""The server's side of repeat suppression (ADR 0012): live hits that repeat a standing alert of the same unit, list
and listed vehicle are recorded on it (read, time, place) instead of raising alerts. Functions never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.alert_repeats import Sighting, sort_out
from platewatch.server.alerts.models import Alert, AlertRepeat
from platewatch.server.hotlists.models import HotListEntryRow
from platewatch.server.reads.models import Read

Hit = tuple[Sighting, Alert]


def raise_or_count(
    db: Session,
    rows: Sequence[dict[str, Any]],
    listed: Sequence[tuple[str, str | None]],
    window: dt.timedelta,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """Insert the alerts of `rows` (their listed plate and state in `listed`) that repeat no standing alert, and a
    counted pass on the standing alert for each of the others; returns the rows raised as alerts."""
    if not rows:
        return []
    ids = {row["read_id"] for row in rows}
    stmt = select(Read.id, Read.unit_id, Read.captured_at, Read.latitude, Read.longitude).where(Read.id.in_(ids))
    reads = {r.id: r for r in db.execute(stmt)}
    alerts = [Alert(**row) for row in rows]
    hits: list[Hit] = []
    for row, (plate, state), alert in zip(rows, listed, alerts, strict=True):
        read = reads[row["read_id"]]
        sighting = Sighting(str(read.unit_id), str(row["hotlist_id"]), plate, state, row["priority"], read.captured_at)
        hits.append((sighting, alert))
    counted = sort_out(hits, standing(db, hits, window), window)
    for i, alert in enumerate(alerts):
        if i not in counted:
            db.add(alert)
    db.flush()
    stmt_known = select(AlertRepeat.alert_id, AlertRepeat.read_id).where(AlertRepeat.read_id.in_(ids))
    known: set[tuple[int, uuid.UUID]] = {(a, r) for a, r in db.execute(stmt_known)}
    for i, of in counted.items():
        row, read = rows[i], reads[rows[i]["read_id"]]
        if (of.id, read.id) in known:  # a pass voted again (frames merged) is counted once
            continue
        known.add((of.id, read.id))
        db.add(
            AlertRepeat(
                alert_id=of.id, read_id=read.id, captured_at=read.captured_at, latitude=read.latitude,
                longitude=read.longitude, match_kind=row["match_kind"], matched_text=row["matched_text"],
                recorded_at=now,
            )
        )  # fmt: skip
    db.flush()
    return [row for i, row in enumerate(rows) if i not in counted]


def standing(db: Session, hits: Iterable[Hit], window: dt.timedelta) -> list[Hit]:
    """The stored live alerts (not historical ones) the hits could repeat: of their units and lists, within the
    window of their times."""
    hits = list(hits)
    units = {uuid.UUID(s.unit) for s, _ in hits}
    lists = {int(s.list_id) for s, _ in hits}
    first, last = min(s.at for s, _ in hits), max(s.at for s, _ in hits)
    stmt = (
        select(Alert, Read.unit_id, Read.captured_at, HotListEntryRow.plate, HotListEntryRow.state)
        .join(Read, Read.id == Alert.read_id)
        .join(HotListEntryRow, HotListEntryRow.id == Alert.entry_id)
        .where(Read.unit_id.in_(units), Alert.hotlist_id.in_(lists), Alert.origin != "retro")
        .where(Read.captured_at > first - window, Read.captured_at < last + window)
    )
    return [
        (Sighting(str(unit), str(alert.hotlist_id), plate, state, alert.priority, at), alert)
        for alert, unit, at, plate, state in db.execute(stmt)
    ]


def passes_of(db: Session, alert_ids: Iterable[int]) -> dict[int, list[AlertRepeat]]:
    """The counted passes of each alert, in capture order (one query)."""
    ids = set(alert_ids)
    out: dict[int, list[AlertRepeat]] = {i: [] for i in ids}
    if ids:
        stmt = select(AlertRepeat).where(AlertRepeat.alert_id.in_(ids))
        for p in db.scalars(stmt.order_by(AlertRepeat.captured_at, AlertRepeat.id)):
            out[p.alert_id].append(p)
    return out


def alert_of_counted_read(db: Session, read_id: uuid.UUID, list_id: int, plate: str, state: str | None) -> Alert | None:
    """The alert a read was counted on as a repeat of this listed vehicle (list, plate, state), if any."""
    same_state = HotListEntryRow.state.is_(None) if state is None else HotListEntryRow.state == state
    stmt = (
        select(Alert)
        .join(AlertRepeat, AlertRepeat.alert_id == Alert.id)
        .join(HotListEntryRow, HotListEntryRow.id == Alert.entry_id)
        .where(AlertRepeat.read_id == read_id, Alert.hotlist_id == list_id, HotListEntryRow.plate == plate)
        .where(same_state)
        .order_by(Alert.id)
        .limit(1)
    )
    return db.scalar(stmt)
