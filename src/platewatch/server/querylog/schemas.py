"""Response bodies of the query-log API (and of audits, which show the rows they review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel


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
