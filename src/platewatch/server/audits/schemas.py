"""Request and response bodies of the audits API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from platewatch.domain.audits import DEFAULT_SAMPLE, MAX_SAMPLE
from platewatch.server.data_requests.schemas import RequestDetail
from platewatch.server.querylog.schemas import QueryLogPublic


class AuditOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: dt.datetime | None = Field(None, description="start of the audited period (default: six months ago)")
    until: dt.datetime | None = Field(None, description="end of the period (default: now)")
    sample_size: int = Field(DEFAULT_SAMPLE, ge=1, le=MAX_SAMPLE, description="accesses drawn at random")


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding: Literal["compliant", "not_compliant", "follow_up"]
    note: str = Field("", max_length=1000)


class AuditClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(max_length=4000)


class AuditItemPublic(BaseModel):
    """One sampled access: its query-log row and what the auditor found."""

    entry: QueryLogPublic
    finding: str | None
    note: str
    reviewed_by: str | None
    reviewed_at: dt.datetime | None


class AuditPublic(BaseModel):
    id: int
    period_start: dt.datetime
    period_end: dt.datetime
    accesses_in_period: int
    log_intact: bool
    log_rows_checked: int
    opened_by: str
    opened_at: dt.datetime
    closed_by: str | None
    closed_at: dt.datetime | None
    summary: str
    findings: dict[str, int]
    """Sampled accesses by finding (`open` for those not reviewed yet)."""
    refused: dict[str, int] = Field(
        description="attempts the server refused in the period (no purpose, a role not allowed), by person"
    )


class AuditDetail(AuditPublic):
    items: list[AuditItemPublic]
    requests: list[RequestDetail] = Field(
        default_factory=list,
        description="the data requests received in the period, each with the accesses made for it (V.D.7-8); every "
        "answered access made for one is in the sample",
    )


class AuditList(BaseModel):
    audits: list[AuditPublic]
    due: bool
    """No audit was closed in the last six months (V.D.10: bi-annual)."""
