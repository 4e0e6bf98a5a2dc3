"""Counts of reads and alarms in a time window (by the read's capture time), grouped in SQL, and how fast the
window's alarms were decided and verified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from platewatch.domain.alert_timings import alarmed_at, banded, delay_seconds, summarize
from platewatch.domain.local_time import local, local_day_of_hour
from platewatch.domain.querylog import Action, Outcome
from platewatch.server.accounts.models import Unit
from platewatch.server.alerts.models import Alert
from platewatch.server.hotlists.models import HotList
from platewatch.server.querylog.models import QueryLogEntry
from platewatch.server.reads.models import Read
from platewatch.server.reports.schemas import Count, Delays, MetricsReport, OfficerDecisions


@dataclass
class OfficerTally:
    seconds: list[float] = field(default_factory=list)
    rejected: int = 0


def metrics(db: Session, since: dt.datetime, until: dt.datetime, tz: ZoneInfo = ZoneInfo("UTC")) -> MetricsReport:
    """Reads captured in [since, until) and the alerts raised on them; reads counted by the agency's days (`tz`)."""
    window = (Read.captured_at >= since, Read.captured_at < until)
    reads = _scalar(db, select(func.count()).select_from(Read).where(*window))
    located = _scalar(db, select(func.count()).select_from(Read).where(*window, Read.latitude.is_not(None)))
    by_unit = _counts(db, select(Unit.name, func.count()).join(Read, Read.unit_id == Unit.id).where(*window)
                      .group_by(Unit.name))  # fmt: skip
    by_day = _by_local_day(db, window, tz)
    by_hour = _by_local_hour(db, window, tz)
    alerts_q = select(Alert).join(Read, Read.id == Alert.read_id).where(*window).subquery()
    alerts = _scalar(db, select(func.count()).select_from(alerts_q))
    by_list = _counts(db, select(HotList.name, func.count()).join(alerts_q, alerts_q.c.hotlist_id == HotList.id)
                      .group_by(HotList.name))  # fmt: skip
    by_status = _counts(db, select(alerts_q.c.status, func.count()).group_by(alerts_q.c.status))
    reasons = _counts(db, select(alerts_q.c.reject_reason, func.count()).where(alerts_q.c.reject_reason.is_not(None))
                      .group_by(alerts_q.c.reject_reason))  # fmt: skip
    outcomes = _counts(db, select(alerts_q.c.disposition, func.count()).where(alerts_q.c.disposition.is_not(None))
                       .group_by(alerts_q.c.disposition))  # fmt: skip
    decided = db.execute(
        select(Alert.origin, Alert.created_at, Read.captured_at, Alert.decided_at, Alert.decided_by,
               Alert.reject_reason, Alert.verified_at)
        .join(Read, Read.id == Alert.read_id).where(*window, Alert.decided_at.is_not(None))
    ).all()  # fmt: skip
    to_decide: list[float] = []
    to_verify: list[float] = []
    officers: dict[str, OfficerTally] = {}
    for origin, created, captured, decided_at, who, rejected, verified_at in decided:
        if decided_at is None:  # excluded by the query; this tells the type checker
            continue
        seconds = delay_seconds(alarmed_at(origin, captured, created), decided_at)
        to_decide.append(seconds)
        if verified_at is not None and rejected is None:
            to_verify.append(delay_seconds(decided_at, verified_at))
        tally = officers.setdefault(who or "unknown", OfficerTally())
        tally.seconds.append(seconds)
        tally.rejected += rejected is not None
    by_officer = [
        OfficerDecisions(officer=name, accepted=len(t.seconds) - t.rejected, rejected=t.rejected,
                         median_seconds_to_decide=summarize(t.seconds).median_seconds)
        for name, t in sorted(officers.items(), key=lambda kv: (-len(kv[1].seconds), kv[0]))
    ]  # fmt: skip
    searched = (
        QueryLogEntry.at >= since, QueryLogEntry.at < until, QueryLogEntry.outcome == Outcome.OK.value,
        QueryLogEntry.action.in_([Action.SEARCH.value, Action.MAP.value]),
    )  # fmt: skip
    searches = _scalar(db, select(func.count()).select_from(QueryLogEntry).where(*searched))
    by_user = _counts(db, select(QueryLogEntry.username, func.count()).where(*searched)
                      .group_by(QueryLogEntry.username))  # fmt: skip
    by_purpose = _counts(db, select(QueryLogEntry.purpose, func.count()).where(*searched)
                         .group_by(QueryLogEntry.purpose))  # fmt: skip
    return MetricsReport(
        since=since, until=until, reads=reads, reads_with_position=located, reads_by_unit=by_unit,
        reads_by_day=by_day, reads_by_hour=by_hour, alerts=alerts,
        alerts_per_1000_reads=round(1000 * alerts / reads, 2) if reads else 0.0,
        alerts_by_list=by_list, alerts_by_status=by_status, rejections_by_reason=reasons, dispositions=outcomes,
        time_to_decision=_delays(to_decide), time_to_verification=_delays(to_verify), decisions_by_officer=by_officer,
        decision_times=[Count(key=k, count=n) for k, n in banded(to_decide)], searches=searches,
        searches_by_user=by_user, searches_by_purpose=by_purpose,
    )  # fmt: skip


def _delays(seconds: list[float]) -> Delays:
    s = summarize(seconds)
    return Delays(count=s.count, median_seconds=s.median_seconds, p90_seconds=s.p90_seconds,
                  longest_seconds=s.longest_seconds)  # fmt: skip


def _by_local_day(db: Session, window: tuple[ColumnElement[bool], ...], tz: ZoneInfo) -> list[Count]:
    """Reads per calendar day of the agency. PostgreSQL converts each capture time to the zone itself; SQLite, which
    knows no zones, counts per UTC hour and the hours are folded into the agency's days here (exact for zones whose
    offset is a whole number of hours, as all US zones' are)."""
    if db.get_bind().dialect.name == "postgresql":
        day = func.to_char(func.timezone(tz.key, Read.captured_at), "YYYY-MM-DD")
        return _counts(db, select(day, func.count()).select_from(Read).where(*window).group_by(day), by_key=True)
    hour = func.strftime("%Y-%m-%d %H", Read.captured_at)
    days: dict[str, int] = {}
    for text, n in db.execute(select(hour, func.count()).select_from(Read).where(*window).group_by(hour)):
        start = dt.datetime.strptime(str(text), "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
        key = local_day_of_hour(start, tz).isoformat()
        days[key] = days.get(key, 0) + int(n)
    return [Count(key=k, count=n) for k, n in sorted(days.items())]


def _by_local_hour(db: Session, window: tuple[ColumnElement[bool], ...], tz: ZoneInfo) -> list[Count]:
    """Reads per hour of the agency's day (00-23, all 24), summed over the window's days: PostgreSQL in the zone
    itself, SQLite by UTC hour turned into the agency's (exact for whole-hour offsets, as in `_by_local_day`)."""
    hours = dict.fromkeys(range(24), 0)
    if db.get_bind().dialect.name == "postgresql":
        hour = func.extract("hour", func.timezone(tz.key, Read.captured_at))
        for h, n in db.execute(select(hour, func.count()).select_from(Read).where(*window).group_by(hour)):
            hours[int(h)] += int(n)
    else:
        utc_hour = func.strftime("%Y-%m-%d %H", Read.captured_at)
        for text, n in db.execute(select(utc_hour, func.count()).select_from(Read).where(*window).group_by(utc_hour)):
            start = dt.datetime.strptime(str(text), "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
            hours[local(start, tz).hour] += int(n)
    return [Count(key=f"{h:02d}", count=n) for h, n in hours.items()]


def _scalar(db: Session, stmt: Any) -> int:
    return int(db.scalar(stmt) or 0)


def _counts(db: Session, stmt: Any, by_key: bool = False) -> list[Count]:
    rows = [Count(key=str(k), count=int(n)) for k, n in db.execute(stmt)]
    return sorted(rows, key=lambda c: c.key) if by_key else sorted(rows, key=lambda c: (-c.count, c.key))
