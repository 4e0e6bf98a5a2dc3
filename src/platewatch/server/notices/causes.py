"""What the server finds that someone must act on (order V.C.1), each a `domain.notices.Cause`: an imported hot list
older than 24 hours, a failed import, and what each unit's status warns of (reads left on it after its shift, its
disk, clock, GPS, refused uploads, an old hot list on patrol), and reads a unit took outside any approved deployment."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platewatch.domain.alerts import HOTLIST_AGE_WARNING, hotlist_age, hotlist_is_stale
from platewatch.domain.local_time import shown
from platewatch.domain.notices import Audience, Cause, cause_key
from platewatch.server.accounts.models import SecurityEvent, Unit
from platewatch.server.hotlists.models import HotList, HotListVersion
from platewatch.server.reads.models import Read
from platewatch.server.unit_status import service as unit_status

IMPORTED = ("ncic", "state", "vendor")
"""Sources of lists refreshed from files every day; manual lists change when someone changes them."""


def gather(db: Session, now: dt.datetime, tz: ZoneInfo) -> list[Cause]:
    return [
        *stale_lists(db, now, tz), *failed_imports(db, now, tz), *unit_warnings(db, now),
        *outside_deployments(db, now, tz),
    ]  # fmt: skip


def stale_lists(db: Session, now: dt.datetime, tz: ZoneInfo) -> list[Cause]:
    newest = select(HotListVersion.hotlist_id, func.max(HotListVersion.created_at).label("at")).group_by(
        HotListVersion.hotlist_id
    )
    ages = {list_id: at for list_id, at in db.execute(newest)}
    out = []
    for hl in db.scalars(select(HotList).where(HotList.active.is_(True), HotList.source.in_(IMPORTED))):
        at = ages.get(hl.id)
        if at is None or hotlist_is_stale(at, now):
            when = "never imported" if at is None else f"last imported {shown(at, tz)}, {hours(hotlist_age(at, now))}"
            out.append(Cause(
                key=cause_key(f"hot list {hl.id}", "older than 24 hours"), audience=Audience.HOTLISTS,
                subject=f"Hot list {hl.name} is older than {hours(HOTLIST_AGE_WARNING)}",
                detail=f"Hot list {hl.name} ({hl.source}) was {when}. Units compare reads with lists at most 24 "
                "hours old (order V.F.2): import today's file, or check the watched folder and the state's transfer.",
            ))  # fmt: skip
    return out


def failed_imports(db: Session, now: dt.datetime, tz: ZoneInfo) -> list[Cause]:
    since = now - dt.timedelta(hours=24)
    failed = db.scalars(
        select(SecurityEvent).where(SecurityEvent.event == "hotlist_import", SecurityEvent.outcome == "failure",
                                    SecurityEvent.at >= since).order_by(SecurityEvent.id)
    )  # fmt: skip
    return [
        Cause(key=f"import failure {e.id}", audience=Audience.HOTLISTS,
              subject="A hot-list import failed",
              detail=f"An import by {e.username} failed at {shown(e.at, tz)}: {e.detail}"[:1000])
        for e in failed
    ]  # fmt: skip


def unit_warnings(db: Session, now: dt.datetime) -> list[Cause]:
    units, _ = unit_status.status(db, now)
    return [
        Cause(key=cause_key(f"unit {u.name}", w), audience=Audience.UNITS, subject=f"Unit {u.name}: {w}"[:200],
              detail=f"Unit {u.name}: {w}.")
        for u in units
        for w in u.warnings
    ]  # fmt: skip


OUTSIDE_WINDOW = dt.timedelta(hours=24)
"""A unit's reads outside its approved deployments are one cause while any was taken in this window."""


def outside_deployments(db: Session, now: dt.datetime, tz: ZoneInfo) -> list[Cause]:
    """A unit that took reads outside any approved deployment in the last 24 hours (order V.A.2, V.E.1): one notice per
    unit to the supervisors (`Audience.UNITS`; command scope, when it comes, narrows who among them)."""
    since = now - OUTSIDE_WINDOW
    per_unit = (
        select(Unit.name, func.count(), func.min(Read.captured_at), func.max(Read.captured_at))
        .join(Unit, Unit.id == Read.unit_id)
        .where(Read.outside_deployment.is_not(None), Read.captured_at >= since)
        .group_by(Unit.name)
        .order_by(Unit.name)
    )
    return [
        Cause(key=cause_key(f"unit {name}", "reads outside an approved deployment"), audience=Audience.UNITS,
              subject=f"Unit {name}: reads outside an approved deployment"[:200],
              detail=f"Unit {name} took {count} read(s) outside any approved deployment between {shown(first, tz)} and "
              f"{shown(last, tz)} (order V.A.2: units are used only where and when the Program Administrator "
              "approved). See the Deployments page.")
        for name, count, first, last in db.execute(per_unit)
    ]  # fmt: skip


def hours(span: dt.timedelta) -> str:
    return f"{int(span.total_seconds() // 3600)} h"
