"""Map OpenALPR / Rekor agent messages (`alpr_group`, `alpr_results`) onto PlateWatch reads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import ValidationError

from platewatch.server.errors import ApiError, validation_details
from platewatch.server.reads.schemas import ReadCreate

# Reads made from an agent message get a UUIDv5 in this namespace, so a re-sent message maps to the
# same reads and ingest stays idempotent.
OPENALPR_NAMESPACE = uuid.UUID("6f1d2a8e-3f57-4c41-9b8f-0e9c2b7c5a11")


def _epoch_ms(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ApiError(422, "invalid_request", f"{field}: must be epoch milliseconds")
    return dt.datetime.fromtimestamp(value / 1000.0, tz=dt.UTC)


def _confidence(value: Any) -> float:
    # OpenALPR reports 0-100.
    return max(0.0, min(1.0, float(value) / 100.0)) if isinstance(value, int | float) else 0.0


def _candidates(items: Any) -> list[dict[str, Any]]:
    out = []
    for c in items or []:
        if isinstance(c, dict) and isinstance(c.get("plate"), str):
            out.append({"plate": c["plate"], "confidence": _confidence(c.get("confidence"))})
    return out[:20]


def _camera(msg: dict[str, Any]) -> str:
    return str(msg.get("camera_id", "0"))[:64] or "0"


def _vehicle_attributes(vehicle: Any) -> dict[str, Any]:
    if not isinstance(vehicle, dict):
        return {}
    out = {}
    for key in ("make", "make_model", "body_type", "color", "year", "orientation"):
        values = vehicle.get(key)
        if isinstance(values, list) and values and isinstance(values[0], dict):
            out[key] = values[0].get("name")
    return out


def from_group(msg: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One `alpr_group` (a vehicle pass) → one read dict and its attributes."""
    best = msg.get("best_plate") if isinstance(msg.get("best_plate"), dict) else {}
    assert isinstance(best, dict)
    key = f"{msg.get('agent_uid', '')}/{msg.get('best_uuid', '')}/{msg.get('epoch_start', '')}"
    region = msg.get("best_region") or best.get("region")
    read = {
        "id": str(uuid.uuid5(OPENALPR_NAMESPACE, key)),
        "camera": _camera(msg),
        "captured_at": _epoch_ms(msg.get("epoch_start"), "epoch_start").isoformat(),
        "plate": msg.get("best_plate_number") or best.get("plate") or "",
        "confidence": _confidence(msg.get("best_confidence", best.get("confidence"))),
        "candidates": _candidates(msg.get("candidates") or best.get("candidates")),
        "state": region if isinstance(region, str) and region.lower().startswith("us-") else None,
        "state_confidence": _confidence(msg.get("best_region_confidence"))
        if msg.get("best_region_confidence") is not None
        else None,
        "latitude": msg.get("gps_latitude") or None,
        "longitude": msg.get("gps_longitude") or None,
        "heading": msg.get("travel_direction"),
        "plate_image": best.get("plate_crop_jpeg"),
        "vehicle_image": msg.get("vehicle_crop_jpeg"),
    }
    attrs = {
        "agent_uid": msg.get("agent_uid"),
        "openalpr_uuid": msg.get("best_uuid"),
        "is_parked": msg.get("is_parked"),
        "vehicle": _vehicle_attributes(msg.get("vehicle")),
    }
    return [read], [attrs]


def from_results(msg: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One `alpr_results` (a frame) → one read per plate in it."""
    at = _epoch_ms(msg.get("epoch_time"), "epoch_time").isoformat()
    reads, attrs = [], []
    results = msg.get("results")
    if not isinstance(results, list) or not results:
        raise ApiError(422, "invalid_request", "results: an alpr_results message needs at least one result")
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            raise ApiError(422, "invalid_request", f"results[{i}]: must be an object")
        region = r.get("region")
        reads.append(
            {
                "id": str(uuid.uuid5(OPENALPR_NAMESPACE, f"{msg.get('uuid', '')}/{r.get('plate_index', i)}")),
                "camera": _camera(msg),
                "captured_at": at,
                "plate": r.get("plate", ""),
                "confidence": _confidence(r.get("confidence")),
                "candidates": _candidates(r.get("candidates")),
                "state": region if isinstance(region, str) and region.lower().startswith("us-") else None,
                "state_confidence": _confidence(r.get("region_confidence"))
                if r.get("region_confidence") is not None
                else None,
                "plate_image": r.get("plate_crop_jpeg"),
            }
        )
        attrs.append({"openalpr_uuid": msg.get("uuid"), "plate_index": r.get("plate_index", i)})
    return reads, attrs


def to_reads(msg: Any) -> tuple[list[ReadCreate], list[dict[str, Any]], str]:
    """Validate an agent message; return reads, their attributes and the source name."""
    if not isinstance(msg, dict):
        raise ApiError(422, "invalid_request", "body: must be a JSON object")
    kind = msg.get("data_type")
    if kind == "alpr_group":
        raw, attrs = from_group(msg)
    elif kind == "alpr_results":
        raw, attrs = from_results(msg)
    else:
        raise ApiError(422, "invalid_request", f"data_type: expected alpr_group or alpr_results, got {kind!r}")
    reads = []
    for i, item in enumerate(raw):
        try:
            reads.append(ReadCreate.model_validate(item))
        except ValidationError as exc:
            details = validation_details([dict(e) for e in exc.errors()])
            for d in details:
                d["index"] = i
            summary = "; ".join(f"{d['loc']}: {d['message']}" for d in details[:5])
            raise ApiError(422, "invalid_request", summary, details) from exc
    return reads, attrs, kind
