"""Request and response bodies of the unit's log-on, log-off and alert decisions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from platewatch.domain.alerts import RejectReason
from platewatch.server.inputs import RowId

PLATE = r"^[A-Z0-9]{1,10}$"
Outcome = Literal["recorded", "already_recorded", "read_not_stored", "conflict", "refused"]


class LogonRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    otp: str | None = Field(None, max_length=12, description="6-digit code from the authenticator app")


class ShiftPublic(BaseModel):
    shift: int = Field(description="the shift's id: every decision taken on the unit names it")
    username: str
    role: str
    started_at: dt.datetime


class LogoffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shift: RowId
    ended_at: AwareDatetime | None = Field(
        None, description="when the officer logged off on the unit (a unit that was offline says it later); default now"
    )


class LogoffResult(BaseModel):
    shift: int
    ended_at: dt.datetime


class ShiftStatus(BaseModel):
    """Whether the unit's shift is still open; the unit asks while an officer is logged on and logs them off when
    the server ended it (account disabled, role changed)."""

    shift: int
    username: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str | None = Field(description="logoff, replaced, disabled, role_changed or unit_revoked")
    message: str = Field(description="what the unit's screen tells the officer")


class DecisionIn(BaseModel):
    """One press of the accept or reject key on the unit (order V.E.5), sent when the unit is online."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="the unit's id for this decision (re-sending it is harmless)")
    read_id: uuid.UUID
    shift: RowId
    list_id: RowId
    plate: str = Field(pattern=PLATE, description="the listed plate")
    state: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="the listed state")
    matched_text: str = Field(pattern=PLATE, description="the OCR text that matched the listed plate")
    match_kind: Literal["exact", "lookalike", "one_edit"]
    hotlist_version: RowId | None = Field(None, description="the hot-list version the unit matched with")
    decision: Literal["accepted", "rejected"]
    reject_reason: RejectReason | None = None
    note: str = Field("", max_length=500)
    decided_at: AwareDatetime


class DecisionBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decisions: list[DecisionIn] = Field(min_length=1, max_length=500)


class DecisionResult(BaseModel):
    id: uuid.UUID
    outcome: Outcome
    alert_id: int | None
    message: str


class DecisionResults(BaseModel):
    results: list[DecisionResult]
