"""Ingest of MessagePack batches with binary images (ADR 0022): stored like JSON, refused with the same 422 as the
JSON it stands for, a body that is not MessagePack a 400, and nothing written by a refused batch."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import msgspec

from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from tests.support.live_server import LiveServer, read_payload

MSGPACK = {"Content-Type": "application/msgpack"}


def binary(read: dict[str, Any]) -> dict[str, Any]:
    """A read as a MessagePack batch carries it: the images as the JPEG's bytes."""
    return {k: base64.b64decode(v) if k.endswith("_image") and isinstance(v, str) else v for k, v in read.items()}


def post(server: LiveServer, token: str, reads: list[dict[str, Any]]) -> Any:
    with server.client(token) as c:
        return c.post("/api/v1/reads", content=msgspec.msgpack.encode({"reads": reads}), headers=MSGPACK)


def test_a_messagepack_batch_is_stored_with_its_images_and_a_resend_as_json_is_not_stored_twice(
    server: LiveServer,
) -> None:
    token = server.add_unit()
    reads = [read_payload(f"MPK{i:04d}", server.clock.now, seed=i) for i in range(3)]
    r = post(server, token, [binary(x) for x in reads])
    assert r.status_code == 200, r.text
    assert sorted(r.json()["stored"]) == sorted(x["id"] for x in reads)
    assert "application/msgpack" in r.headers["accept-post"]
    store = ImageStore(server.settings.image_dir)
    with server.db() as db:
        for x in reads:
            row = db.get(Read, uuid.UUID(x["id"]))
            assert row is not None and row.plate == x["plate"]
            vehicle = base64.b64decode(x["vehicle_image"])
            assert (
                row.vehicle_image == hashlib.sha256(vehicle).hexdigest()
                and store.of_read(row.captured_at, row.vehicle_image) == vehicle
            )
    with server.client(token) as c:
        again = c.post("/api/v1/reads", json={"reads": reads})
    assert again.status_code == 200 and sorted(again.json()["already_stored"]) == sorted(x["id"] for x in reads)
    assert server.count(Read) == 3


def test_a_refused_messagepack_batch_gets_the_422_of_the_same_batch_as_json(server: LiveServer) -> None:
    token = server.add_unit()
    reads = [read_payload("GOOD001", server.clock.now, seed=1), read_payload("BAD0002", server.clock.now, seed=2)]
    reads[1]["confidence"] = 1.5
    reads[1]["camera"] = "front\x1b[31m"  # a control character: the JSON path's check names it too
    as_msgpack = post(server, token, [binary(x) for x in reads])
    with server.client(token) as c:
        as_json = c.post("/api/v1/reads", json={"reads": reads})
    assert as_msgpack.status_code == as_json.status_code == 422
    assert as_msgpack.json() == as_json.json()
    assert "reads" in str(as_msgpack.json()["details"][0]["loc"])
    broken = [binary(read_payload("JPG0001", server.clock.now))]
    broken[0]["plate_image"] = b"not a jpeg at all"
    refused = post(server, token, broken)
    assert refused.status_code == 422 and "plate_image" in refused.text
    assert server.count(Read) == 0


def test_a_body_that_is_not_messagepack_is_a_400_naming_it(server: LiveServer) -> None:
    token = server.add_unit()
    with server.client(token) as c:
        r = c.post("/api/v1/reads", content=b"\xc1\xc1 not msgpack", headers=MSGPACK)
        assert r.status_code == 400 and r.json()["error"] == "malformed_msgpack"
        stamped = msgspec.msgpack.encode({"reads": [msgspec.msgpack.Ext(5, b"x")]})  # an extension: no JSON form
        r = c.post("/api/v1/reads", content=stamped, headers=MSGPACK)
        assert r.status_code == 400 and r.json()["error"] == "malformed_msgpack"
        keyed = msgspec.msgpack.encode({1: [1, 2]})  # a map of no batch: refused as its JSON form is, naming `reads`
        r = c.post("/api/v1/reads", content=keyed, headers=MSGPACK)
        assert r.status_code == 422 and "reads" in r.text
        empty = c.post("/api/v1/reads", content=msgspec.msgpack.encode({"reads": []}), headers=MSGPACK)
        assert empty.status_code == 422
    assert server.count(Read) == 0
