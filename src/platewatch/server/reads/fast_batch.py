"""The ingest batch decoded by msgspec, for the batches that are certainly valid; pydantic (`ReadBatch`) decides the
rest, so a refused batch gets the very 422 it always got (ADR 0014).

msgspec decodes the JSON straight into these structs (about a third of pydantic's time, and objects the garbage
collector does not track); `decode` then checks every rule of `schemas.ReadCreate` that the structs do not. Whenever
either step is unsure (a type msgspec will not coerce, a plate or state to normalize, a value out of range, an unknown
field) it answers None and the caller validates the same bytes with pydantic: a batch is taken by the fast path only
when pydantic would take it with the same values, and every refusal comes from pydantic.

A batch may also come as MessagePack (`application/msgpack`, ADR 0022), its images as binary rather than base64 text:
the same structs with `bytes` images, and for the rest the same pydantic path on the JSON that the MessagePack
stands for (`msgpack_as_json`), so its refusals name the same fields.
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
    plate_image: str | bytes | None
    """Base64 text (JSON), or the JPEG itself (MessagePack)."""
    vehicle_image: str | bytes | None
    hotlist_version: int | None
    found_only: bool


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
    found_only: bool = False


class _Batch(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    reads: list[_Read]


class _BinaryRead(_Read, forbid_unknown_fields=True, gc=False):
    """A read of a MessagePack batch: its images are binary."""

    plate_image: bytes | None = None  # type: ignore[assignment]
    vehicle_image: bytes | None = None  # type: ignore[assignment]


class _BinaryBatch(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    reads: list[_BinaryRead]


_DECODER = msgspec.json.Decoder(_Batch)
_MSGPACK_DECODER = msgspec.msgpack.Decoder(_BinaryBatch)
_ANY_MSGPACK = msgspec.msgpack.Decoder()
_JSON = msgspec.json.Encoder()
MSGPACK = "application/msgpack"


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
        reads: list[_Read] | list[_BinaryRead] = _DECODER.decode(body).reads
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return _checked(reads)


def decode_msgpack(body: bytes) -> list[FastRead] | None:
    """As `decode`, for a MessagePack batch whose images are binary."""
    try:
        reads = _MSGPACK_DECODER.decode(body).reads
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return _checked(reads)


def msgpack_as_json(body: bytes) -> bytes | None:
    """The JSON a MessagePack body stands for (binary as base64, as JSON batches carry images), for pydantic to
    validate and refuse as it refuses JSON; None when the body is not MessagePack or has no JSON form (a map key that
    is not text, an extension type)."""
    try:
        return _JSON.encode(_ANY_MSGPACK.decode(body))
    except (msgspec.DecodeError, msgspec.ValidationError, msgspec.EncodeError, TypeError):
        return None


def _checked(reads: list[_Read] | list[_BinaryRead]) -> list[FastRead] | None:
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
                r.found_only,
            )
        )
    return out
