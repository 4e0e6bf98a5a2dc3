"""The ingest batch decoded by msgspec, for the batches that are certainly valid; pydantic (`ReadBatch`) decides the
rest, so a refused batch gets the very 422 it always got (ADR 0014).

msgspec decodes the JSON straight into these structs (about a third of pydantic's time, and objects the garbage
collector does not track); `decode` then checks every rule of `schemas.ReadCreate` that the structs do not. Whenever
either step is unsure (a type msgspec will not coerce, a plate or state to normalize, a value out of range, an unknown
field) it answers None and the caller validates the same bytes with pydantic: a batch is taken by the fast path only
when pydantic would take it with the same values, and every refusal comes from pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import msgspec

from platewatch.domain.plates import MAX_PLATE_LENGTH, MIN_PLATE_LENGTH
from platewatch.domain.states import ALL_CODES
from platewatch.server.inputs import INT32_MAX
from platewatch.server.settings import MAX_INGEST_BATCH

_PLATE = re.compile(f"[A-Z0-9]{{{MIN_PLATE_LENGTH},{MAX_PLATE_LENGTH}}}")
"""A plate `normalize_plate` returns unchanged (anything else goes to pydantic, which normalizes or refuses it)."""
_CAMERA = re.compile(r"[A-Za-z0-9_ .:/-]{1,64}")
"""The ASCII part of `ReadCreate.camera`'s pattern (`^[\\w .:/-]+$`, 1 to 64 characters)."""
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)", re.ASCII)
"""RFC 3339 as units write it (`isoformat()`), to the microsecond: `fromisoformat` reads it as pydantic does."""


class FastCandidate(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    plate: str
    confidence: float


class FastRead(msgspec.Struct, gc=False):
    """A read with the attributes of `ReadCreate`, as the ingest service uses them."""

    id: uuid.UUID
    camera: str
    captured_at: dt.datetime
    plate: str
    confidence: float
    candidates: list[FastCandidate]
    state: str | None
    state_confidence: float | None
    latitude: float | None
    longitude: float | None
    heading: float | None
    plate_image: str | None
    vehicle_image: str | None
    hotlist_version: int | None


class _Read(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A read as decoded: its time still text, for `_instant` to check (msgspec rounds a seventh decimal of a second
    where pydantic cuts it)."""

    id: uuid.UUID
    camera: str
    captured_at: str
    plate: str
    confidence: float
    candidates: list[FastCandidate] = msgspec.field(default_factory=list)
    state: str | None = None
    state_confidence: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    heading: float | None = None
    plate_image: str | None = None
    vehicle_image: str | None = None
    hotlist_version: int | None = None


class _Batch(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    reads: list[_Read]


_DECODER = msgspec.json.Decoder(_Batch)


def _unit(value: float | None) -> bool:
    return value is None or 0.0 <= value <= 1.0


def _instant(text: str) -> dt.datetime | None:
    """The capture time of a read in the form units send (RFC 3339, at most microseconds); None for any other form."""
    if not _INSTANT.fullmatch(text):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:  # a day, hour or offset out of range: pydantic refuses it
        return None


def _certain(read: _Read) -> bool:
    """Whether pydantic would take the read with exactly these values (False: let pydantic decide)."""
    if not _PLATE.fullmatch(read.plate) or not _CAMERA.fullmatch(read.camera):
        return False
    if not 0.0 <= read.confidence <= 1.0 or len(read.candidates) > 20:
        return False
    if read.state is not None and read.state not in ALL_CODES:
        return False
    if not _unit(read.state_confidence) or (
        read.hotlist_version is not None and not 0 <= read.hotlist_version <= INT32_MAX
    ):
        return False
    if read.latitude is not None and not -90.0 <= read.latitude <= 90.0:
        return False
    if read.longitude is not None and not -180.0 <= read.longitude <= 180.0:
        return False
    if read.heading is not None and not 0.0 <= read.heading < 360.0:
        return False
    return all(_PLATE.fullmatch(c.plate) and 0.0 <= c.confidence <= 1.0 for c in read.candidates)


def decode(body: bytes) -> list[FastRead] | None:
    """The batch's reads when the body is certainly a valid `ReadBatch`; None when pydantic must decide."""
    try:
        reads = _DECODER.decode(body).reads
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not 1 <= len(reads) <= MAX_INGEST_BATCH:
        return None
    out = []
    for r in reads:
        at = _instant(r.captured_at)
        if at is None or not _certain(r):
            return None
        out.append(
            FastRead(
                r.id,
                r.camera,
                at,
                r.plate,
                r.confidence,
                r.candidates,
                r.state,
                r.state_confidence,
                r.latitude,
                r.longitude,
                r.heading,
                r.plate_image,
                r.vehicle_image,
                r.hotlist_version,
            )
        )
    return out
