"""Response bodies of the query-log API (and of audits, which show the rows they review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class QueryLogPublic(BaseModel):
    seq: int
    at: dt.datetime
    username: str
    action: str
    parameters: dict[str, Any]
    purpose: str
    case_number: str
    result_count: int
    outcome: str
    row_hash: str


class VerifyResult(BaseModel):
    rows_checked: int
    intact: bool
    problems: list[dict[str, Any]]


class QueryLogPage(BaseModel):
    """One page of the log, newest first; ask for the next (older) or previous (newer) page with its cursor."""

    rows: list[QueryLogPublic]
    next_cursor: str | None = Field(description="`cursor` for the older rows that follow; null on the last page")
    previous_cursor: str | None = Field(description="`cursor` for the newer rows before; null on the first page")
    filters: str = Field(description="the criteria applied, in words")
