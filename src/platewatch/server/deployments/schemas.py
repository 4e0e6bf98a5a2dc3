"""Request and response bodies of the deployments API."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from platewatch.domain.deployments import window_problem


class DeploymentTerms(BaseModel):
    """Where and when a unit may be used, and why: a site with its fixed position for a portable unit, the vehicle
    for a patrol car (no position)."""

    model_config = ConfigDict(extra="forbid")

    site: str = Field(min_length=2, max_length=200, description="the site's name, or the vehicle of a patrol car")
    latitude: float | None = Field(None, ge=-90, le=90, description="the site's fixed position (portable units)")
    longitude: float | None = Field(None, ge=-180, le=180)
    radius_m: float | None = Field(
        None, gt=0, le=50_000, description="how far from the position reads may be taken (default 250 m)"
    )
    valid_from: AwareDatetime | None = Field(None, description="from when (default: now)")
    valid_until: AwareDatetime | None = Field(None, description="until when, not including it (default: until ended)")
    reason: str = Field(min_length=3, max_length=500, description="why the unit is deployed there")

    @model_validator(mode="after")
    def _consistent(self) -> DeploymentTerms:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if self.radius_m is not None and self.latitude is None:
            raise ValueError("radius_m needs the site's latitude and longitude")
        if self.valid_from is not None and self.valid_until is not None:
            problem = window_problem(self.valid_from, self.valid_until)
            if problem:
                raise ValueError(problem)
        return self


class DeploymentCreate(DeploymentTerms):
    unit: str = Field(min_length=1, max_length=64, description="the unit's name")


class DeploymentEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500, description="why the approval ends now")


class DeploymentPublic(BaseModel):
    id: int
    unit: str
    unit_kind: str
    site: str
    latitude: float | None
    longitude: float | None
    radius_m: float | None
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    reason: str
    approved_by: str
    approved_at: dt.datetime
    replaces_id: int | None
    ended_at: dt.datetime | None
    ended_by: str | None
    end_reason: str
    current: bool = Field(description="it covers the present moment")


class DeploymentList(BaseModel):
    deployments: list[DeploymentPublic]


class FlaggedRead(BaseModel):
    """A read taken outside any approved deployment, as the unit's conduct, not as read data: no plate, no image, no
    position (its distance from the site instead). The read itself is opened by id through the query-logged search."""

    id: uuid.UUID
    unit: str
    camera: str
    captured_at: dt.datetime
    received_at: dt.datetime
    distance_m: float | None = Field(description="how far the unit's GPS put it from the approved site (off_site)")
    outside: str = Field(description="no_approval (no approval covered its time) or off_site (GPS beyond the site)")
    approval_id: int | None


class FlaggedReadList(BaseModel):
    reads: list[FlaggedRead]
