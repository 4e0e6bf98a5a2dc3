"""Response bodies of the unit status API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class UnitStatusPublic(BaseModel):
    name: str
    kind: str
    approved_for: str
    active: bool
    officer: str | None
    """The officer logged on now (None: nobody on shift)."""
    shift_started_at: dt.datetime | None
    last_shift_ended_at: dt.datetime | None
    last_contact_at: dt.datetime | None
    last_read_received_at: dt.datetime | None
    last_read_captured_at: dt.datetime | None
    hotlist_version: int | None
    hotlist_fetched_at: dt.datetime | None
    reads_waiting: int | None
    """Reads in the unit's outbox at its last contact, as the unit said."""
    clock_skew_s: float | None
    """The server's clock minus the unit's at its last question, in seconds (positive: the unit's is behind)."""
    reads_deleted: int | None
    """Reads the unit deleted unsent in the week before its last contact, past the retention period, as it said."""
    disk_free_mib: int | None = None
    """Free space beside the unit's outbox at its last contact, in MiB, as it said."""
    reads_lost: int | None = None
    """Reads the unit's disk refused since its agent started, as it said at its last contact."""
    gps_fix_age_s: int | None = None
    """Seconds since its GPS receiver's latest fix at its last contact (-1: none yet; None: no receiver)."""
    ingest_refused: int | None = None
    """Its ingest requests the server refused (bad token, reads that do not validate), all told."""
    warnings: list[str]


class UnitStatusList(BaseModel):
    units: list[UnitStatusPublic]
    current_hotlist_version: int | None
    warnings: int


class UnitSelf(BaseModel):
    """What the server knows a unit as, answered to the unit itself."""

    name: str
    kind: str
    approved_for: str
    server_time: dt.datetime
