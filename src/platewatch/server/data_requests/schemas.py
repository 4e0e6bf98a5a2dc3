"""Request and response bodies of the data-request register's API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from platewatch.domain.querylog import MAX_CASE_NUMBER_LENGTH
from platewatch.server.inputs import Instant

CASE_NUMBER = r"^[A-Za-z0-9][A-Za-z0-9\-/._ ]*$"
"""A case or incident number as the query log takes it (letters, digits, spaces and - / . _)."""


class RequestCreate(BaseModel):
    """A request for LPR data as it was received (V.D.8: the date received, who asked, for what)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    requester: str = Field(min_length=2, max_length=200, description="the person who asked")
    agency: str = Field(
        min_length=2, max_length=200, description="their agency: the department, another of the town's, or outside"
    )
    agency_unit: str = Field("", max_length=200, description="their unit or bureau within the agency")
    received_at: Instant | None = Field(None, description="when the request was received (default: now)")
    case_number: str = Field(min_length=1, max_length=MAX_CASE_NUMBER_LENGTH, pattern=CASE_NUMBER)
    asked_for: str = Field(min_length=10, max_length=1000, description="the data asked for, as the requester put it")
    legal_basis: str = Field(
        min_length=5, max_length=500, description="the law, statute, warrant or policy the request rests on (V.D.7)"
    )


class RequestReview(BaseModel):
    """The Program Administrator's (or a designee's) decision, with the reason (V.D.7)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["approved", "denied"]
    note: str = Field(min_length=5, max_length=1000, description="why: the laws and policy considered")


class RequestFulfil(BaseModel):
    """What was released to the requester, and when."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    released: str = Field(min_length=5, max_length=1000, description="what was released (records, images, a package)")
    released_at: Instant | None = Field(None, description="when it was released (default: now)")


class RequestClose(BaseModel):
    """An approved request closed with nothing released (nothing found, withdrawn), and why."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=5, max_length=1000)


class LinkedAccess(BaseModel):
    """A search, view or export made for the request: its query-log row (without its parameters)."""

    seq: int
    at: dt.datetime
    username: str
    action: str
    result_count: int
    outcome: str


class RequestPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    received_at: dt.datetime
    requester: str
    agency: str
    agency_unit: str
    in_town: bool
    case_number: str
    asked_for: str
    legal_basis: str
    recorded_by: str
    recorded_at: dt.datetime
    status: str
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    decision_note: str
    released: str
    released_at: dt.datetime | None
    finished_by: str | None
    finished_at: dt.datetime | None
    finish_note: str
    kept_until: dt.date | None = Field(
        None, description="the register keeps it at least until this day (V.D.9); none while it is open"
    )


class RequestDetail(RequestPublic):
    accesses: list[LinkedAccess]


class RequestList(BaseModel):
    requests: list[RequestPublic]
