"""Request and response bodies of the equipment API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["camera", "mdc", "trailer", "gps", "other"]
Status = Literal["in_service", "repair", "retired", "missing", "lost", "destroyed"]
"""What a keeper may set: in service, in repair, retired; or gone (V.A.5): missing (not found at the physical inventory;
seeing it again puts it back in service), lost, destroyed. Damage is reported, not set."""


class EquipmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    serial: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    kind: Kind
    description: str = Field("", max_length=200)
    unit: str | None = Field(None, max_length=64, description="the unit (car or trailer) it is installed in")
    location: str = Field("", max_length=200, description="where it is when not in a unit")
    maintain_every_days: int | None = Field(
        None, ge=1, le=3650, description="the manufacturer's interval for cleaning and service, in days (V.A.6)"
    )


class DamageReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=5, max_length=500, description="what is damaged and how (V.A.7)")


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    note: str = Field(min_length=3, max_length=500)


class InventoryCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=500, description="where it was found, its condition")


class MaintenanceRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=3, max_length=500, description="what was done (lens cleaned, housing resealed…)")
    maintain_every_days: int | None = Field(
        None, ge=1, le=3650, description="a new interval from the manufacturer, in days (else the one recorded)"
    )


class EquipmentEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: dt.datetime
    username: str
    event: str
    status: str
    note: str


class EquipmentPublic(BaseModel):
    id: int
    serial: str
    kind: str
    description: str
    unit: str | None
    location: str
    status: str
    added_at: dt.datetime
    last_inventoried_at: dt.datetime | None
    inventory_due: bool = Field(description="not seen at a physical check in the last 365 days (V.A.5)")
    maintain_every_days: int | None = None
    last_maintained_at: dt.datetime | None = None
    maintenance_due: bool = Field(False, description="past the manufacturer's cleaning and service interval (V.A.6)")


class EquipmentDetail(EquipmentPublic):
    events: list[EquipmentEventPublic]


class EquipmentList(BaseModel):
    equipment: list[EquipmentPublic]
    inventory_due: int
    maintenance_due: int = 0
    damaged: int


class ReconciliationRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    serial: str
    kind: str
    where: str
    outcome: str = Field(description="checked | not checked | missing | lost | destroyed | retired")
    at: dt.datetime | None = Field(description="when it was seen, found gone or retired; none when not checked")
    by: str
    note: str
    status_at_end: str


class Reconciliation(BaseModel):
    """V.A.5: a year's physical inventory reconciled with the inventory record."""

    year: int
    start: dt.datetime
    end: dt.datetime
    generated_at: dt.datetime
    generated_by: str
    counts: dict[str, int] = Field(description="pieces by outcome")
    rows: list[ReconciliationRowPublic]
