"""API shapes for reads: what units send (ReadCreate, ReadBatch) and what people get (ReadPublic)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from platewatch.domain.plates import InvalidPlateError, normalize_plate
from platewatch.domain.states import UnknownStateError, normalize_state
from platewatch.server.inputs import INT32_MAX
from platewatch.server.reads.fast_batch import FastRead
from platewatch.server.settings import MAX_INGEST_BATCH

Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


def _plate(value: str) -> str:
    try:
        return normalize_plate(value)
    except InvalidPlateError as exc:
        raise ValueError(str(exc)) from exc


class Candidate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: str = Field(max_length=32)
    confidence: Confidence

    _norm = field_validator("plate")(_plate)


class ReadCreate(BaseModel):
    """One read as a unit sends it. Images are base64 JPEG."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="client-made UUID (v7 recommended); ingest is idempotent by it")
    camera: str = Field(min_length=1, max_length=64, pattern=r"^[\w .:/-]+$")
    captured_at: AwareDatetime = Field(description="capture time with its time zone")
    plate: str = Field(max_length=32, description="OCR text; normalized (upper-case, no separators)")
    confidence: Confidence
    candidates: list[Candidate] = Field(default_factory=list, max_length=20)
    state: str | None = Field(None, max_length=8, description="US state code (CT or us-ct)")
    state_confidence: Confidence | None = None
    latitude: float | None = Field(None, ge=-90.0, le=90.0)
    longitude: float | None = Field(None, ge=-180.0, le=180.0)
    heading: float | None = Field(None, ge=0.0, lt=360.0)
    plate_image: str | None = Field(None, description="base64 JPEG of the plate crop")
    vehicle_image: str | None = Field(None, description="base64 JPEG of the vehicle")
    hotlist_version: int | None = Field(None, ge=0, le=INT32_MAX, description="hot-list version the unit compared with")
    found_only: bool = Field(
        False,
        description="the unit found the plate plainly but could not read it surely (ADR 0025): the read is kept and "
        "matched against no hot list. Send it only to a server whose answers name it in `X-Read-Fields`",
    )

    _norm_plate = field_validator("plate")(_plate)

    @field_validator("state")
    @classmethod
    def _state(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return normalize_state(value)
        except UnknownStateError as exc:
            raise ValueError(str(exc)) from exc


READ_FIELDS_HEADER = "X-Read-Fields"
READ_FIELDS = "found_only"
"""The optional fields of `ReadCreate` that a unit may send only to a server that names them (ADR 0025): an older
server refuses a read with a field it does not know, so a unit sends `found_only` once an answer to its ingest or its
hot-list download names it."""

IncomingRead = ReadCreate | FastRead
"""A read as the ingest service takes it: validated by pydantic, or decoded by msgspec (`fast_batch`)."""


class ReadBatch(BaseModel):
    """Up to `ingest_max_batch` reads (1,000 unless set). All-or-nothing: one invalid read refuses the whole batch,
    nothing stored."""

    model_config = ConfigDict(extra="forbid")

    reads: list[ReadCreate] = Field(min_length=1, max_length=MAX_INGEST_BATCH)


class IngestResult(BaseModel):
    received: int
    stored: list[uuid.UUID]
    already_stored: list[uuid.UUID]
    grouped: list[uuid.UUID] = Field(
        default_factory=list, description="OpenALPR frames (?frames=1): the stored reads whose vehicle pass took them"
    )


class ReadPublic(BaseModel):
    """A read as people see it, with links to its images."""

    id: uuid.UUID
    unit: str
    camera: str
    captured_at: dt.datetime
    received_at: dt.datetime
    plate: str
    confidence: float
    candidates: list[dict[str, Any]]
    state: str | None
    state_confidence: float | None
    latitude: float | None
    longitude: float | None
    heading: float | None
    position_from_site: bool = Field(
        False, description="the position is the approved site's fixed position (a portable unit without GPS), not GPS"
    )
    outside_deployment: str | None = Field(
        None, description="no_approval or off_site: taken outside any approved deployment (order V.A.2)"
    )
    hotlist_version: int | None
    found_only: bool = Field(
        False, description="found plainly but not read surely: the text is the unit's unsure guess, matched to no list"
    )
    officer_on_shift: str | None = Field(
        None,
        description="the officer logged on to the unit when the read was taken (order V.E.8a); null: nobody was "
        "logged on (the read was taken with no officer logged on)",
    )
    source: str
    plate_image_url: str | None
    vehicle_image_url: str | None
    plate_image_sha256: str | None
    vehicle_image_sha256: str | None


class ReadsPublic(BaseModel):
    reads: list[ReadPublic]
    count: int
    next_cursor: str | None
    query_log_seq: int = Field(description="the Data Query Log row of this search; pass as ?context=")
