"""Request and response bodies of LEAS documentation: an outcome of a search, a hit documented later, the report."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["stop", "arrest", "vehicle_recovered"]


class SearchOutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    incident_number: str = Field("", max_length=40, description="the LEAS incident number (may follow later)")
    leas_subtype: str = Field("", max_length=16, description="the LEAS sub-type it was documented under")
    note: str = Field("", max_length=500)


class SearchOutcomePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    query_log_seq: int
    outcome: str
    incident_number: str
    leas_subtype: str
    note: str
    recorded_by: str
    recorded_at: dt.datetime


class LeasDocumentation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_number: str = Field(min_length=1, max_length=40, description="the LEAS incident number")
    leas_subtype: str = Field(min_length=1, max_length=16, description="the sub-type it was documented under")


class LeasGapRow(BaseModel):
    """An LPR outcome that is not properly documented in LEAS."""

    source: Literal["alert", "search"]
    id: int = Field(description="the alert's id, or the search outcome's")
    query_log_seq: int | None = Field(description="the search's query-log row (search outcomes)")
    outcome: str
    officer: str = Field(description="who disposed of the hit, or who ran the search")
    at: dt.datetime
    incident_number: str
    leas_subtype: str
    problem: str


class OfficerGaps(BaseModel):
    officer: str
    count: int


class SupervisorGaps(BaseModel):
    supervisor: str = Field(description="a supervisor whose command holds the officers (V.E.2g)")
    count: int


class LeasReport(BaseModel):
    """Order V.E.2f: stops, arrests and recoveries from LPR (hits and searches) not documented in LEAS under the LPR
    sub-type, for supervisors to see to."""

    since: dt.datetime
    until: dt.datetime
    lpr_subtype: str
    outcomes: int = Field(description="stops, arrests and recoveries from LPR in the window")
    from_searches: int
    undocumented: list[LeasGapRow]
    by_officer: list[OfficerGaps]
    by_supervisor: list[SupervisorGaps] = Field(default_factory=list)
