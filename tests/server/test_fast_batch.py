"""The msgspec fast path of ingest (`reads.fast_batch`, ADR 0014) takes a batch only when pydantic's `ReadBatch`
takes it, with the same values: every refusal, and so every 422, stays pydantic's."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from platewatch.server.reads import fast_batch
from platewatch.server.reads.schemas import ReadBatch

FIELDS = [
    "id", "camera", "captured_at", "plate", "confidence", "state", "state_confidence", "latitude", "longitude",
    "heading", "plate_image", "vehicle_image", "hotlist_version",
]  # fmt: skip


def read(rng: random.Random) -> dict[str, Any]:
    at = dt.datetime(2026, 12, 6, 10, tzinfo=dt.UTC) + dt.timedelta(microseconds=rng.randrange(10**11))
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "camera": "front",
        "captured_at": at.isoformat(),
        "plate": "ABC1234",
        "confidence": 0.9,
        "candidates": [{"plate": "A8C1234", "confidence": 0.4}],
        "state": "CT",
        "state_confidence": 0.8,
        "latitude": 41.1,
        "longitude": -73.5,
        "heading": 90.0,
        "hotlist_version": 3,
    }


VARIANTS: list[tuple[str, Any]] = [
    ("confidence", 1), ("confidence", 0), ("confidence", 1.0000001), ("confidence", -0.0), ("confidence", "0.5"),
    ("confidence", True), ("confidence", None), ("confidence", 1e400),
    ("captured_at", "2026-12-06T10:00:00Z"), ("captured_at", "2026-12-06T10:00:00.1234567+00:00"),
    ("captured_at", "2026-12-06T10:00:00"), ("captured_at", "2026-12-06t10:00:00z"),
    ("captured_at", "2026-12-06 10:00:00+00:00"), ("captured_at", "2026-12-06T10:00Z"),
    ("captured_at", "2026-12-06T24:00:00Z"), ("captured_at", "2026-12-06T23:59:60Z"),
    ("captured_at", "2026-02-30T10:00:00Z"), ("captured_at", "2026-12-06T10:00:00+24:00"),
    ("captured_at", "2026-12-06T10:00:00-05:30"), ("captured_at", "２０２６-12-06T10:00:00Z"),
    ("captured_at", 1765000000), ("captured_at", "2026-12-06T10:00:00,5Z"),
    ("plate", "abc-123"), ("plate", ""), ("plate", "ABCDEFGHIJK"), ("plate", "AB C1"), ("plate", "ÄBC1"),
    ("plate", 1234), ("camera", ""), ("camera", "x" * 64), ("camera", "x" * 65), ("camera", "rear:2/a.b-c_d"),
    ("camera", "caméra"), ("camera", "front\n"), ("camera", "a|b"), ("state", "ct"), ("state", "us-ct"),
    ("state", " "), ("state", ""), ("state", None), ("state", "XX"), ("state", "CTT"),
    ("state_confidence", None), ("state_confidence", 2), ("latitude", 90), ("latitude", 90.5),
    ("latitude", None), ("longitude", -180.0), ("longitude", -181), ("heading", 360), ("heading", 359.9),
    ("heading", -0.1), ("hotlist_version", 0), ("hotlist_version", -1), ("hotlist_version", 2**31),
    ("hotlist_version", 2**31 - 1), ("hotlist_version", 1.0), ("hotlist_version", "3"), ("hotlist_version", None),
    ("id", "0123456789abcdef0123456789abcdef"), ("id", "not-a-uuid"), ("id", "{01234567-89ab-cdef-0123-456789abcdef}"),
    ("plate_image", "abc"), ("plate_image", None), ("plate_image", 5), ("extra", 1),
    ("candidates", []), ("candidates", None), ("candidates", [{"plate": "ab-1", "confidence": 0.1}]),
    ("candidates", [{"plate": "AB1", "confidence": 0.1, "x": 1}]), ("candidates", [{"plate": "AB1"}]),
    ("candidates", [{"plate": "AB1", "confidence": 0.1}] * 21),
    ("candidates", [{"plate": "AB1", "confidence": 0.1}] * 20),
]  # fmt: skip


def pydantic_reads(body: bytes) -> list[Any] | None:
    try:
        return list(ReadBatch.model_validate_json(body).reads)
    except ValidationError:
        return None


def values(r: Any) -> tuple[Any, ...]:
    return (*(getattr(r, f) for f in FIELDS), [(c.plate, c.confidence) for c in r.candidates])


def check(body: bytes) -> bool:
    """The fast path agrees with pydantic on `body`; True when it took the batch."""
    fast, slow = fast_batch.decode(body), pydantic_reads(body)
    if fast is None:
        return False
    assert slow is not None, f"fast path took a batch pydantic refuses: {body[:300]!r}"
    assert [values(r) for r in fast] == [values(r) for r in slow]
    assert all(type(a.confidence) is type(b.confidence) for a, b in zip(fast, slow, strict=True))
    return True


def test_a_plain_batch_takes_the_fast_path_with_pydantics_values() -> None:
    rng = random.Random(1)
    assert check(json.dumps({"reads": [read(rng) for _ in range(200)]}).encode())


@pytest.mark.parametrize(("field", "value"), VARIANTS)
def test_each_variant_agrees(field: str, value: Any) -> None:
    rng = random.Random(2)
    reads = [read(rng) for _ in range(3)]
    reads[1][field] = value
    check(json.dumps({"reads": reads}).encode())


def test_random_combinations_agree() -> None:
    rng = random.Random(3)
    taken = 0
    for _ in range(400):
        reads = [read(rng) for _ in range(rng.randint(1, 4))]
        for _ in range(rng.randint(0, 3)):
            field, value = rng.choice(VARIANTS)
            rng.choice(reads)[field] = value
        if rng.random() < 0.1:
            del rng.choice(reads)[rng.choice(["plate", "camera", "state", "candidates"])]
        taken += check(json.dumps({"reads": reads}).encode())
    assert 0 < taken < 400


@pytest.mark.parametrize(
    "body",
    [b"", b"{}", b'{"reads": []}', b'{"reads": {}}', b"[]", b'{"reads": [], "x": 1}', b'{"reads": [1]}', b"nul"],
)
def test_odd_bodies_go_to_pydantic(body: bytes) -> None:
    assert fast_batch.decode(body) is None


def test_a_batch_over_the_largest_cap_goes_to_pydantic() -> None:
    rng = random.Random(4)
    one = read(rng)
    body = json.dumps({"reads": [one] * 10_001}).encode()
    assert fast_batch.decode(body) is None and pydantic_reads(body) is None
