"""The purge log as a CSV or PDF document: when each purge ran, who ran it, what it deleted and what holds kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from platewatch.domain.local_time import shown, with_offset
from platewatch.server.documents import TableDocument
from platewatch.server.governance.models import PurgeRun

PURGE_HEADERS = ("When", "By", "Dry run", "Reads captured before", "Reads", "Alerts", "Images", "Hot-list versions",
                 "Kept by holds")  # fmt: skip


def purge_log_document(runs: Sequence[PurgeRun], filters: str, truncated: bool, who: str, at: dt.datetime,
                       agency: str, tz: ZoneInfo) -> TableDocument:  # fmt: skip
    more = " More runs match: narrow the filters or the dates." if truncated else " These are all the runs that match."
    return TableDocument(
        title=f"{agency}: LPR purge log",
        about=(
            f"Order V.D.3-4. {len(runs)} runs, newest first; filters: {filters}.{more} A dry run's counts are what it "
            "would have deleted; it deleted nothing.",
            f"Made {shown(at, tz)} by {who}. Times are the agency's ({tz.key}) with their UTC offset.",
        ),
        headers=PURGE_HEADERS,
        rows=tuple(_cells(r, tz) for r in runs),
        widths=(2, 1, 0.8, 2, 1, 1, 1, 1.2, 1.2),
    )


def _cells(r: PurgeRun, tz: ZoneInfo) -> tuple[str | int, ...]:
    return (with_offset(r.ran_at, tz), r.ran_by, "yes" if r.dry_run else "no", with_offset(r.cutoff, tz),
            r.reads_deleted, r.alerts_deleted, r.images_deleted, r.hotlist_versions_deleted, r.reads_held)  # fmt: skip
