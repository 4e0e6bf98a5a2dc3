"""The metrics report as the API answers it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Count(BaseModel):
    key: str
    count: int


class MetricsReport(BaseModel):
    since: dt.datetime
    until: dt.datetime
    reads: int
    reads_with_position: int
    reads_by_unit: list[Count] = Field(description="unit name → reads, most first")
    reads_by_day: list[Count] = Field(description="UTC day (YYYY-MM-DD) → reads")
    alerts: int
    alerts_per_1000_reads: float
    alerts_by_list: list[Count]
    alerts_by_status: list[Count] = Field(description="pending, accepted, rejected, confirmed, not_confirmed, disposed")
    rejections_by_reason: list[Count] = Field(description="why officers rejected hits (misreads, wrong state…)")
    dispositions: list[Count] = Field(description="outcomes of disposed hits")
