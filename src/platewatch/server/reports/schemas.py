"""The metrics report as the API answers it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Count(BaseModel):
    key: str
    count: int


class Delays(BaseModel):
    count: int
    median_seconds: float | None
    p90_seconds: float | None
    longest_seconds: float | None


class OfficerDecisions(BaseModel):
    officer: str
    accepted: int
    rejected: int
    median_seconds_to_decide: float | None


class MetricsReport(BaseModel):
    since: dt.datetime
    until: dt.datetime
    reads: int
    reads_with_position: int
    reads_by_unit: list[Count] = Field(description="unit name → reads, most first")
    reads_by_day: list[Count] = Field(description="the agency's day (YYYY-MM-DD, PLATEWATCH_TIME_ZONE) → reads")
    reads_by_hour: list[Count] = Field(
        description="the hour of the agency's day (00-23, every hour) → reads captured in it over the window"
    )
    alerts: int
    alerts_per_1000_reads: float
    alerts_by_list: list[Count]
    alerts_by_status: list[Count] = Field(description="pending, accepted, rejected, confirmed, not_confirmed, disposed")
    rejections_by_reason: list[Count] = Field(description="why officers rejected hits (misreads, wrong state…)")
    dispositions: list[Count] = Field(description="outcomes of disposed hits")
    time_to_decision: Delays = Field(
        description="from the alarm (the read's capture; a retro alarm's creation) to the officer's accept or reject"
    )
    time_to_verification: Delays = Field(description="from acceptance to dispatch's answer through COLLECT/NCIC")
    decisions_by_officer: list[OfficerDecisions] = Field(description="who accepted and rejected alarms, most first")
    decision_times: list[Count] = Field(
        description="alarms decided within each band of time to decision (under 1 min … 4 h or more, every band)"
    )
    searches: int = Field(description="searches of LPR data answered in the window (query log: search and map)")
    searches_by_user: list[Count] = Field(description="user → searches answered, most first")
    searches_by_purpose: list[Count] = Field(description="the purpose stated → searches answered, most first")
