"""API shapes for alerts and their lifecycle actions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from platewatch.domain.alerts import Disposition, RejectReason


class RepeatPublic(BaseModel):
    """A pass of the alert's vehicle by the same unit on the same list within the repeat window: counted here, not
    raised as an alert of its own (ADR 0012)."""

    read_id: uuid.UUID
    captured_at: dt.datetime
    latitude: float | None
    longitude: float | None
    match_kind: str
    matched_text: str
    recorded_at: dt.datetime = Field(description="when the server counted it on this alert")


class AlertPublic(BaseModel):
    id: int
    status: str
    created_at: dt.datetime
    origin: str = Field(
        description="ingest (live), retro (a read from before the entry was added) or unit (raised on the unit only)"
    )
    match_kind: str
    matched_text: str
    reason: str
    priority: int
    state_match: bool | None
    covert: bool
    hotlist: dict[str, Any]
    entry: dict[str, Any]
    read: dict[str, Any]
    hotlist_version: int
    hotlist_age_hours: float = Field(description="age of the hot-list version the read was compared with")
    hotlist_stale: bool = Field(description="older than 24 hours (order V.F.2): verify with extra care")
    decided_by: str | None
    decided_at: dt.datetime | None
    reject_reason: str | None
    reject_note: str
    verified_by: str | None
    verified_at: dt.datetime | None
    verification_note: str
    disposition: str | None
    incident_number: str
    leas_subtype: str = Field("", description="the LEAS sub-type the incident was documented under (V.E.2f)")
    disposed_by: str | None
    disposed_at: dt.datetime | None
    repeat_count: int = Field(0, description="passes of the same vehicle by the same unit suppressed onto this alert")
    repeats: list[RepeatPublic] = Field(default_factory=list, description="those passes, oldest first")


class AlertsPublic(BaseModel):
    alerts: list[AlertPublic]
    query_log_seq: int


class AlertStatusPublic(BaseModel):
    id: int
    read_id: uuid.UUID
    status: str


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RejectReason
    note: str = Field("", max_length=500)


class VerifyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirmed: bool = Field(description="dispatch confirmed the hit through COLLECT/NCIC")
    note: str = Field("", max_length=500)


class DisposeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disposition: Disposition
    incident_number: str = Field(
        "", max_length=40, description="LEAS incident number; may follow later (POST /api/v1/alerts/{id}/leas)"
    )
    leas_subtype: str = Field("", max_length=16, description="the LEAS sub-type it was documented under (LPR's)")
