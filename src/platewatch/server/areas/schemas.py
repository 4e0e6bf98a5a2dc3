"""API shapes of saved areas and of a person's restriction."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from platewatch.server.inputs import INT32_MAX

Corner = Annotated[list[float], Field(min_length=2, max_length=2, description="[latitude, longitude]")]


class AreaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, description="e.g. District 3, Lincoln School zone")
    polygon: list[Corner] = Field(
        min_length=3, max_length=200, description="corners as [latitude, longitude]; a rectangle has four"
    )


class AreaPublic(BaseModel):
    id: int
    name: str
    polygon: list[Corner]
    created_by: str
    created_at: dt.datetime
    retired_by: str | None
    retired_at: dt.datetime | None


class AreasPublic(BaseModel):
    areas: list[AreaPublic]


class RestrictionSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    areas: list[str] = Field(default_factory=list, max_length=50, description="names of saved areas; none: anywhere")
    captured_from: dt.datetime | None = Field(None, description="reads captured at or after (ISO time with zone)")
    captured_until: dt.datetime | None = Field(None, description="reads captured before (exclusive)")
    newer_than_days: int | None = Field(
        None, le=INT32_MAX, description="only reads no older than this many days (1 to 3,650)"
    )  # the domain rule names the range; the bound keeps a huge number out of the date arithmetic


class RestrictionPublic(BaseModel):
    username: str
    restricted: bool
    areas: list[str] = Field(default_factory=list)
    captured_from: dt.datetime | None = None
    captured_until: dt.datetime | None = None
    newer_than_days: int | None = None
    set_by: str | None = None
    set_at: dt.datetime | None = None
