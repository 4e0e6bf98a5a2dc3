"""Request and response bodies of the assignments and commands APIs."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class AssignmentCreate(BaseModel):
    """Order V.E.2a: a trained officer assigned to a unit for a shift."""

    model_config = ConfigDict(extra="forbid")

    unit: str = Field(min_length=1, max_length=64, description="the unit's name")
    username: str = Field(min_length=1, max_length=64, description="the officer")
    starts_at: AwareDatetime
    ends_at: AwareDatetime = Field(description="16 hours after starts_at at most")


class OverrideCreate(BaseModel):
    """A supervisor lets an officer who is not assigned log on to a unit, from now, and says why."""

    model_config = ConfigDict(extra="forbid")

    unit: str = Field(min_length=1, max_length=64)
    username: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=5, max_length=500, description="why the officer takes this unit unassigned")
    until: AwareDatetime | None = Field(None, description="default and at most: 12 hours from now")


class AssignmentCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=500)


class AssignmentPublic(BaseModel):
    id: int
    unit: str
    username: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str = Field(description="assignment, or override (a supervisor let an unassigned officer log on)")
    reason: str
    assigned_by: str
    assigned_at: dt.datetime
    cancelled_by: str | None
    cancelled_at: dt.datetime | None


class AssignmentList(BaseModel):
    command: str | None = Field(description="the supervisor's command the list is limited to; null: every unit")
    assignments: list[AssignmentPublic]


class CommandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)


class CommandPlace(BaseModel):
    """Which command a person or unit belongs to (null: none)."""

    model_config = ConfigDict(extra="forbid")

    command: str | None = Field(max_length=100)


class PlaceResult(BaseModel):
    name: str
    command: str | None
    was: str | None


class MemberPublic(BaseModel):
    username: str
    role: str


class CommandPublic(BaseModel):
    name: str
    members: list[MemberPublic]
    units: list[str]
