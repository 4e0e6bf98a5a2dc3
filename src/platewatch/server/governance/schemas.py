"""Request and response bodies of the legal-hold API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class HoldCreate(BaseModel):
    """Which reads a preservation obligation covers: listed read ids, or every stored read of a plate (its
    look-alikes too: the same canonical form) captured in an optional time window, or both."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500, description="why the data must be kept (letter, subpoena…)")
    read_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10_000)
    plate: str | None = Field(None, min_length=2, max_length=10, pattern=r"^[A-Za-z0-9]+$")
    captured_from: dt.datetime | None = None
    captured_to: dt.datetime | None = None

    @model_validator(mode="after")
    def _scope(self) -> HoldCreate:
        if self.plate is not None:
            self.plate = self.plate.upper()
        if not self.read_ids and self.plate is None:
            raise ValueError("name the reads to hold: read_ids, or a plate (with an optional time window)")
        for name in ("captured_from", "captured_to"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a time zone (e.g. 2026-11-30T08:00:00Z)")
            if value is not None and self.plate is None:
                raise ValueError(f"{name} narrows a plate: give the plate too")
        if self.captured_from and self.captured_to and self.captured_from >= self.captured_to:
            raise ValueError("captured_from must be before captured_to")
        return self


class HoldRelease(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=3, max_length=500, description="why the obligation ended")


class HoldPublic(BaseModel):
    id: int
    case_number: str
    reason: str
    created_by: str
    created_at: dt.datetime
    active: bool
    released_by: str | None
    released_at: dt.datetime | None
    release_note: str
    read_count: int = Field(description="reads this hold preserves (still stored)")
    plate: str | None = Field(
        None,
        description="a hold placed by plate: the plate (its look-alikes are held too), with its capture window "
        "below; reads of that plate captured in the window before the hold was placed and stored after it (a unit "
        "out of contact) are held as they arrive",
    )
    captured_from: dt.datetime | None = None
    captured_to: dt.datetime | None = None


class HoldDetail(HoldPublic):
    read_ids: list[uuid.UUID]


class HoldsPublic(BaseModel):
    holds: list[HoldPublic]
    query_log_seq: int


class PurgeRunPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ran_at: dt.datetime
    cutoff: dt.datetime = Field(description="reads captured before this were due")
    ran_by: str = Field(description="server (its hourly purge) or cli")
    reads_deleted: int
    alerts_deleted: int
    images_deleted: int
    hotlist_versions_deleted: int
    reads_held: int = Field(description="expired reads kept because a legal hold covers them")
    dry_run: bool = Field(description="a dry run: the counts are what it would have deleted; nothing was")


class PurgeRunsPublic(BaseModel):
    """A page of the purge log, newest first; the next (older) or previous (newer) page by its cursor."""

    runs: list[PurgeRunPublic]
    next_cursor: str | None = Field(None, description="`cursor` for the older runs that follow; null on the last page")
    previous_cursor: str | None = Field(None, description="`cursor` for the newer runs; null on the first page")
    filters: str = "none"


class CustodyStep(BaseModel):
    """A hand-over of an exported package: to whom it went, from whom it came back, or its destruction."""

    model_config = ConfigDict(extra="forbid")

    package_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="the package, as its export recorded it")
    action: Literal["transferred", "received", "returned", "destroyed"]
    counterpart: str = Field("", max_length=200, description="to or from whom (name, agency)")
    note: str = Field("", max_length=500)

    @model_validator(mode="after")
    def _who(self) -> CustodyStep:
        if self.action != "destroyed" and not self.counterpart.strip():
            raise ValueError(f"a package {self.action} needs the counterpart: to or from whom")
        return self


class CustodyEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: dt.datetime
    username: str
    action: str
    package_sha256: str
    read_count: int
    query_log_seq: int | None
    counterpart: str
    note: str


class CustodyPublic(BaseModel):
    hold_id: int
    events: list[CustodyEventPublic]
