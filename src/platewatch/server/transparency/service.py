"""The transparency report's figures, from the same queries as the internal reports (`reports.service.metrics`) and
the governance records: no plate, no person and no place finer than the town."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platewatch.domain.transparency import purpose_category
from platewatch.server.alerts.models import Alert
from platewatch.server.audits.models import Audit
from platewatch.server.data_requests.models import DataRequest
from platewatch.server.governance.models import PurgeRun
from platewatch.server.hotlists.models import HotList
from platewatch.server.reads.models import Read
from platewatch.server.reports import service as reports
from platewatch.server.reports.schemas import Count


class TransparencyReport(BaseModel):
    agency: str
    since: dt.datetime
    until: dt.datetime
    retention_days: int = Field(description="reads are kept this long unless a legal hold keeps them (order V.D.3)")
    reads_captured: int = Field(description="reads captured in the period and still stored (as the metrics report)")
    reads_kept_now: int = Field(description="reads stored when the report was made")
    reads_purged: int = Field(description="reads deleted by the retention purge in the period")
    hits: int = Field(description="alarms raised on reads of the period")
    hits_confirmed: int = Field(
        description="of those, confirmed through COLLECT/NCIC (confirmed, or disposed of with a stop, arrest, recovery)"
    )
    searches: int
    searches_by_category: list[Count] = Field(description="searches by the category of their stated purpose")
    data_requests: list[Count] = Field(description="requests for LPR data received in the period, by their status")
    audits_completed: int = Field(description="audits of data use closed in the period (order V.D.10)")
    hotlist_sources: list[Count] = Field(description="kinds of hot list in use (NCIC, state, manual…) and how many")


def report(db: Session, since: dt.datetime, until: dt.datetime, agency: str, retention_days: int,
           tz: ZoneInfo) -> TransparencyReport:  # fmt: skip
    metrics = reports.metrics(db, since, until, tz)
    confirmed = db.scalar(
        select(func.count()).select_from(Alert).join(Read, Read.id == Alert.read_id)
        .where(Read.captured_at >= since, Read.captured_at < until,
               (Alert.status == "confirmed") | ((Alert.status == "disposed") & (Alert.disposition != "no_action")))
    )  # fmt: skip
    categories: dict[str, int] = {}
    for c in metrics.searches_by_purpose:
        key = purpose_category(c.key)
        categories[key] = categories.get(key, 0) + c.count
    purged = db.scalar(
        select(func.sum(PurgeRun.reads_deleted)).where(
            PurgeRun.ran_at >= since,
            PurgeRun.ran_at < until,
            PurgeRun.dry_run.is_(False),  # a dry run deleted nothing
        )
    )
    received = (DataRequest.received_at >= since, DataRequest.received_at < until)
    requests = db.execute(select(DataRequest.status, func.count()).where(*received).group_by(DataRequest.status)).all()
    audits = db.scalar(select(func.count()).select_from(Audit).where(Audit.closed_at >= since, Audit.closed_at < until))
    sources = db.execute(
        select(HotList.source, func.count()).where(HotList.active.is_(True), HotList.covert.is_(False))
        .group_by(HotList.source)
    ).all()  # fmt: skip
    return TransparencyReport(
        agency=agency, since=since, until=until, retention_days=retention_days, reads_captured=metrics.reads,
        reads_kept_now=int(db.scalar(select(func.count()).select_from(Read)) or 0), reads_purged=int(purged or 0),
        hits=metrics.alerts, hits_confirmed=int(confirmed or 0), searches=metrics.searches,
        searches_by_category=_sorted(categories.items()),
        data_requests=_sorted((str(s), int(n)) for s, n in requests), audits_completed=int(audits or 0),
        hotlist_sources=_sorted((str(s), int(n)) for s, n in sources),
    )  # fmt: skip


def _sorted(pairs: Iterable[tuple[str, int]]) -> list[Count]:
    return sorted((Count(key=k, count=n) for k, n in pairs), key=lambda c: (-c.count, c.key))
