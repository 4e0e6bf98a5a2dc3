"""The server's record of each unit's contacts, written as its requests come (`touch`, from `deps.unit_auth`, the
ingest and the hot-list routes), and the status supervisors read. Functions never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from platewatch.domain.unit_health import UnitSeen, warnings
from platewatch.server.accounts.models import Unit
from platewatch.server.deployments import service as deployments
from platewatch.server.hotlists.service import current_version_id, urgent_after
from platewatch.server.unit_shifts.models import UnitShift
from platewatch.server.unit_status.models import UnitContact
from platewatch.server.unit_status.schemas import UnitStatusPublic


def touch(
    db: Session,
    unit: Unit,
    now: dt.datetime,
    *,
    reads_waiting: int | None = None,
    hotlist_version: int | None = None,
    reads_captured: list[dt.datetime] | None = None,
    clock_skew_s: float | None = None,
    reads_deleted: int | None = None,
    disk_free_mib: int | None = None,
    reads_lost: int | None = None,
    gps_fix_age_s: int | None = None,
) -> None:
    """Record a request of `unit`: always its time (and its outbox's size, and its clock, when it says); the
    hot-list version it was sent; the reads it delivered."""
    row = db.get(UnitContact, unit.id)
    if row is None:
        try:
            with db.begin_nested():  # the unit's first request; two at once (its sync and its screen) may race
                db.add(UnitContact(unit_id=unit.id, last_contact_at=now))
        except IntegrityError:
            pass
        row = db.get(UnitContact, unit.id)
        assert row is not None
    row.last_contact_at = now
    said = {
        "reads_waiting": reads_waiting,
        "clock_skew_s": clock_skew_s,
        "reads_deleted": reads_deleted,
        "disk_free_mib": disk_free_mib,
        "reads_lost": reads_lost,
        "gps_fix_age_s": gps_fix_age_s,
    }
    for column, value in said.items():  # what the unit did not say this time keeps its last value
        if value is not None:
            setattr(row, column, value)
    if hotlist_version is not None:
        row.hotlist_version, row.hotlist_fetched_at = hotlist_version, now
    if reads_captured:
        row.last_read_received_at = now
        newest = max(reads_captured)
        if row.last_read_captured_at is None or newest > row.last_read_captured_at:
            row.last_read_captured_at = newest
    db.flush()


def refused(db: Session, unit: Unit, now: dt.datetime, reason: str) -> None:
    """Count an ingest request of `unit` the server refused, with its reason (status, code, fields: no plate)."""
    counted = func.coalesce(UnitContact.ingest_refused, 0) + 1
    db.execute(
        update(UnitContact)
        .where(UnitContact.unit_id == unit.id)
        .values(ingest_refused=counted, ingest_refused_at=now, ingest_refused_reason=reason[:200])
    )


def status(
    db: Session, now: dt.datetime, units: Collection[uuid.UUID] | None = None
) -> tuple[list[UnitStatusPublic], int | None]:
    """Every unit (or only `units`: a supervisor's command, V.E.2g) with what the server last heard from it and what
    a supervisor must know (V.E.2h, V.F.2)."""
    current = current_version_id(db)
    contacts = {c.unit_id: c for c in db.scalars(select(UnitContact))}
    sites = deployments.current_sites(db, now)
    newest = select(func.max(UnitShift.id)).group_by(UnitShift.unit_id)  # ids grow with each log-on
    latest = {s.unit_id: s for s in db.scalars(select(UnitShift).where(UnitShift.id.in_(newest)))}
    out = []
    listed = select(Unit).order_by(Unit.name)
    for unit in db.scalars(listed if units is None else listed.where(Unit.id.in_(units))):
        c, s = contacts.get(unit.id), latest.get(unit.id)
        seen = UnitSeen(
            last_contact=c.last_contact_at if c else None,
            hotlist_version=c.hotlist_version if c else None,
            hotlist_fetched=c.hotlist_fetched_at if c else None,
            shift_started=s.started_at if s else None,
            shift_ended=s.ended_at if s else None,
            reads_waiting=c.reads_waiting if c else None,
            clock_skew_s=c.clock_skew_s if c else None,
            reads_deleted=c.reads_deleted if c else None,
            disk_free_mib=c.disk_free_mib if c else None,
            reads_lost=c.reads_lost if c else None,
            gps_fix_age_s=c.gps_fix_age_s if c else None,
            ingest_refused=c.ingest_refused if c else None,
            ingest_refused_at=c.ingest_refused_at if c else None,
            ingest_refused_reason=c.ingest_refused_reason if c else None,
        )
        on_shift = s is not None and s.ended_at is None
        out.append(
            UnitStatusPublic(
                name=unit.name,
                kind=unit.kind,
                approved_for=sites.get(unit.id, ""),
                active=unit.active,
                officer=s.username if on_shift and s else None,
                shift_started_at=s.started_at if on_shift and s else None,
                last_shift_ended_at=s.ended_at if s else None,
                last_contact_at=seen.last_contact,
                last_read_received_at=c.last_read_received_at if c else None,
                last_read_captured_at=c.last_read_captured_at if c else None,
                hotlist_version=seen.hotlist_version,
                hotlist_fetched_at=seen.hotlist_fetched,
                reads_waiting=seen.reads_waiting,
                clock_skew_s=None if seen.clock_skew_s is None else round(seen.clock_skew_s, 1),
                reads_deleted=seen.reads_deleted,
                disk_free_mib=seen.disk_free_mib,
                reads_lost=seen.reads_lost,
                gps_fix_age_s=seen.gps_fix_age_s,
                ingest_refused=seen.ingest_refused,
                warnings=warnings(seen, current, now) if unit.active else [],
            )
        )
    return out, current


URGENT_HEADER = "X-Hotlist-Urgent"
"""Set on a unit's answer when an urgent hot-list change is newer than its list: it fetches the list at once instead of
at its next check (order V.C.1: AMBER/SILVER and urgent lists reach the units on their existing connection)."""


def urgent_for(db: Session, unit: Unit) -> bool:
    """Whether `unit` must fetch its hot list now (its contact row says which version it has)."""
    row = db.get(UnitContact, unit.id)
    return urgent_after(db, row.hotlist_version if row is not None else None)
