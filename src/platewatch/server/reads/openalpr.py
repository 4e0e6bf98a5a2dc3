"""Map OpenALPR / Rekor agent messages (`alpr_group`, `alpr_results`) onto PlateWatch reads.

A message is validated whole into the models below first: a field of the wrong type, a time that is no instant
(`1e20`, `NaN`) or a list that is not a list is a 422 naming it, in `/reads`' shape, never a 500. Fields the
adapter does not use are ignored, as agents send many."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from platewatch.domain.states import is_state
from platewatch.server.errors import ApiError, validation_details
from platewatch.server.inputs import INT32_MAX
from platewatch.server.reads.schemas import ReadCreate
from platewatch.server.reads.service import check_batch
from platewatch.server.settings import MAX_INGEST_BATCH

# Reads made from an agent message get a UUIDv5 in this namespace, so a re-sent message maps to the
# same reads and ingest stays idempotent.
OPENALPR_NAMESPACE = uuid.UUID("6f1d2a8e-3f57-4c41-9b8f-0e9c2b7c5a11")

LAST_MS = 253402300799999  # 9999-12-31T23:59:59.999Z, the last instant a datetime holds
EpochMs = Annotated[float, Field(ge=0, le=LAST_MS, allow_inf_nan=False, description="milliseconds since 1970 UTC")]
Percent = Annotated[float, Field(allow_inf_nan=False, description="OpenALPR's 0-100")]
Text = Annotated[str, Field(max_length=200)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class AlprCandidate(_Message):
    plate: Annotated[str, Field(max_length=32)]
    confidence: Percent = 0.0


class AlprPlate(_Message):
    """A plate in a frame (`alpr_results`' `results`, `alpr_group`'s `best_plate`)."""

    plate: Annotated[str, Field(max_length=32)] = ""
    confidence: Percent = 0.0
    region: Text | None = None
    region_confidence: Percent | None = None
    candidates: Annotated[list[AlprCandidate], Field(max_length=1000)] = []
    plate_index: Annotated[int, Field(ge=0, le=INT32_MAX)] | None = None
    plate_crop_jpeg: str | None = None


class AlprChoice(_Message):
    name: Text | None = None


class AlprResults(_Message):
    """One frame: a read per plate in it."""

    data_type: Literal["alpr_results"]
    epoch_time: EpochMs
    uuid: Text = ""
    camera_id: int | Text | None = 0
    results: Annotated[list[AlprPlate], Field(min_length=1, max_length=MAX_INGEST_BATCH)]


class AlprGroup(_Message):
    """One vehicle pass, as OpenALPR's agent groups the frames that saw it."""

    data_type: Literal["alpr_group"]
    epoch_start: EpochMs
    agent_uid: Text | None = None
    best_uuid: Text | None = None
    camera_id: int | Text | None = 0
    best_plate_number: Annotated[str, Field(max_length=32)] | None = None
    best_confidence: Percent | None = None
    best_region: Text | None = None
    best_region_confidence: Percent | None = None
    best_plate: AlprPlate | None = None
    candidates: Annotated[list[AlprCandidate], Field(max_length=1000)] | None = None
    gps_latitude: float | None = None
    gps_longitude: float | None = None
    travel_direction: float | None = None
    is_parked: bool | None = None
    vehicle_crop_jpeg: str | None = None
    vehicle: dict[str, list[AlprChoice] | Any] | None = None


def _instant(ms: float) -> str:
    return dt.datetime.fromtimestamp(ms / 1000.0, tz=dt.UTC).isoformat()


def _confidence(value: float | None) -> float:
    return 0.0 if value is None else max(0.0, min(1.0, value / 100.0))


def _candidates(items: list[AlprCandidate] | None) -> list[dict[str, Any]]:
    return [{"plate": c.plate, "confidence": _confidence(c.confidence)} for c in (items or [])[:20]]


def _camera(camera_id: int | str | None) -> str:
    return "0" if camera_id is None else str(camera_id)[:64] or "0"


def _state(region: str | None) -> str | None:
    """A US region as the agent names it: `us-ct` from a `us` country config, `ct` from a `pattern=ct` run."""
    return region if region and is_state(region) else None


def _vehicle_attributes(vehicle: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("make", "make_model", "body_type", "color", "year", "orientation"):
        values = (vehicle or {}).get(key)
        if isinstance(values, list) and values and isinstance(values[0], AlprChoice):
            out[key] = values[0].name
    return out


def from_group(msg: AlprGroup, key: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One `alpr_group` (a vehicle pass) → one read dict and its attributes; `key` names the pass for its id."""
    best = msg.best_plate or AlprPlate()
    confidence = msg.best_confidence if msg.best_confidence is not None else best.confidence
    read = {
        "id": str(uuid.uuid5(OPENALPR_NAMESPACE, key)),
        "camera": _camera(msg.camera_id),
        "captured_at": _instant(msg.epoch_start),
        "plate": msg.best_plate_number or best.plate,
        "confidence": _confidence(confidence),
        "candidates": _candidates(msg.candidates or best.candidates),
        "state": _state(msg.best_region or best.region),
        "state_confidence": None if msg.best_region_confidence is None else _confidence(msg.best_region_confidence),
        "latitude": msg.gps_latitude or None,
        "longitude": msg.gps_longitude or None,
        "heading": msg.travel_direction,
        "plate_image": best.plate_crop_jpeg,
        "vehicle_image": msg.vehicle_crop_jpeg,
    }
    attrs = {
        "agent_uid": msg.agent_uid,
        "openalpr_uuid": msg.best_uuid,
        "is_parked": msg.is_parked,
        "vehicle": _vehicle_attributes(msg.vehicle),
    }
    return [read], [attrs]


def from_results(msg: AlprResults) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One `alpr_results` (a frame) → one read per plate in it."""
    at = _instant(msg.epoch_time)
    reads, attrs = [], []
    for i, r in enumerate(msg.results):
        index = r.plate_index if r.plate_index is not None else i
        reads.append(
            {
                "id": str(uuid.uuid5(OPENALPR_NAMESPACE, f"{msg.uuid}/{index}")),
                "camera": _camera(msg.camera_id),
                "captured_at": at,
                "plate": r.plate,
                "confidence": _confidence(r.confidence),
                "candidates": _candidates(r.candidates),
                "state": _state(r.region),
                "state_confidence": None if r.region_confidence is None else _confidence(r.region_confidence),
                "plate_image": r.plate_crop_jpeg,
            }
        )
        attrs.append({"openalpr_uuid": msg.uuid, "plate_index": index})
    return reads, attrs


MODELS: dict[str, type[AlprGroup] | type[AlprResults]] = {"alpr_group": AlprGroup, "alpr_results": AlprResults}


def to_reads(msg: Any, max_reads: int) -> tuple[list[ReadCreate], list[dict[str, Any]], str]:
    """Validate an agent message (a frame of at most `max_reads` plates); return reads, their attributes and the
    source name."""
    if not isinstance(msg, dict):
        raise ApiError(422, "invalid_request", "body: must be a JSON object")
    kind = msg.get("data_type")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ApiError(422, "invalid_request", f"data_type: expected alpr_group or alpr_results, got {kind!r}")
    if isinstance(results := msg.get("results"), list):  # before validating 50,000 of them
        check_batch(len(results), max_reads, "results")
    try:
        message = model.model_validate(msg)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from exc
    if isinstance(message, AlprGroup):  # the id's key as before these models: a re-sent message maps to its reads
        key = f"{msg.get('agent_uid', '')}/{msg.get('best_uuid', '')}/{msg.get('epoch_start', '')}"
        raw, attrs = from_group(message, key)
    else:
        raw, attrs = from_results(message)
    reads = []
    for i, item in enumerate(raw):
        try:
            reads.append(ReadCreate.model_validate(item))
        except ValidationError as exc:
            details = validation_details([dict(e) for e in exc.errors(include_input=False)])
            for d in details:
                d["index"] = i
            summary = "; ".join(f"{d['loc']}: {d['message']}" for d in details[:5])
            raise ApiError(422, "invalid_request", summary, details) from exc
    return reads, attrs, message.data_type
