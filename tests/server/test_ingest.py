"""Ingest through the real HTTP API: idempotency, images by hash, and every kind of bad input."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from platewatch.domain.plates import canonical
from platewatch.server.accounts import service as accounts
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_sessionmaker, transaction
from platewatch.server.reads.models import Read
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import LiveServer, b64, jpeg, read_payload, serving
from tests.support.small_disk import small_disk


def post(server: LiveServer, token: str | None, body: Any, raw: bytes | None = None) -> Any:
    with server.client(token) as c:
        if raw is not None:
            return c.post("/api/v1/reads", content=raw, headers={"content-type": "application/json"})
        return c.post("/api/v1/reads", json=body)


def test_same_batch_twice_stores_one_copy(server: LiveServer) -> None:
    token = server.add_unit()
    reads = [read_payload(f"ABC{i:04d}", server.clock.now, seed=i) for i in range(3)]
    first = post(server, token, {"reads": reads})
    assert first.status_code == 200, first.text
    assert len(first.json()["stored"]) == 3 and first.json()["already_stored"] == []
    second = post(server, token, {"reads": reads})
    assert second.status_code == 200
    assert second.json()["stored"] == []
    assert sorted(second.json()["already_stored"]) == sorted(r["id"] for r in reads)
    assert server.count(Read) == 3
    # A batch mixing new and already-stored reads stores only the new one.
    extra = read_payload("XYZ9876", server.clock.now, seed=9)
    third = post(server, token, {"reads": [*reads[:1], extra]}).json()
    assert third["stored"] == [extra["id"]] and third["already_stored"] == [reads[0]["id"]]
    assert server.count(Read) == 4


def test_images_go_to_the_folder_of_their_reads_day(server: LiveServer) -> None:
    token = server.add_unit()
    plate_jpeg = jpeg(seed=42)
    body = read_payload("CT12345", server.clock.now, images=False, plate_image=b64(plate_jpeg))
    assert post(server, token, {"reads": [body]}).status_code == 200
    digest = hashlib.sha256(plate_jpeg).hexdigest()
    files = server.image_files()
    assert [f.name for f in files] == [f"{digest}.jpg"]
    day = server.clock.now.astimezone(dt.UTC).date().isoformat()
    assert files[0].relative_to(server.settings.image_dir).as_posix() == f"days/{day}/{digest[:2]}/{digest}.jpg"
    assert files[0].read_bytes() == plate_jpeg
    with server.db() as db:
        row = db.get(Read, uuid.UUID(body["id"]))
        assert row is not None and row.plate_image == digest and row.vehicle_image is None
        assert row.plate == "CT12345" and row.state == "CT" and row.plate_canonical == "C112345"


def test_plate_is_normalized_and_time_stored_in_utc(server: LiveServer) -> None:
    token = server.add_unit()
    local = dt.datetime.now(dt.timezone(dt.timedelta(hours=-5))).replace(microsecond=0)
    body = read_payload("abc-12 34", local, images=False, state="us-ny")
    assert post(server, token, {"reads": [body]}).status_code == 200
    with server.db() as db:
        row = db.query(Read).one()
        assert row.plate == "ABC1234" and row.state == "NY"
        assert row.captured_at == local.astimezone(dt.UTC)


def _bad(server: LiveServer, token: str, **change: Any) -> Any:
    good = read_payload("GOOD123", server.clock.now, seed=1)
    bad = read_payload("ABC1234", server.clock.now, seed=2)
    bad.update(change)
    return post(server, token, {"reads": [good, bad]})


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"latitude": 91.0}, "latitude", "less than or equal to 90"),
        ({"longitude": -181.0}, "longitude", "greater than or equal to -180"),
        ({"plate": "ABC\x07123"}, "plate", "control character"),
        ({"plate": "A" * 20}, "plate", "20 characters"),
        ({"confidence": "high"}, "confidence", "valid number"),
        ({"captured_at": "2026-11-28T10:00:00"}, "captured_at", "timezone"),
        ({"id": "not-a-uuid"}, "id", "UUID"),
        ({"state": "ZZ"}, "state", "unknown US state"),
        ({"plate_image": b64(b"GIF89a not a jpeg")}, "plate_image", "not a JPEG"),
        ({"plate_image": "***not base64***"}, "plate_image", "base64"),
        ({"vehicle_image": b64(b"\xff\xd8\xff" + b"\0" * 3_000_000 + b"\xff\xd9")}, "vehicle_image", "limit"),
        ({"unexpected": 1}, "unexpected", "Extra inputs"),
    ],
)
def test_bad_read_refuses_the_whole_batch(server: LiveServer, change: dict[str, Any], field: str, words: str) -> None:
    token = server.add_unit()
    r = _bad(server, token, **change)
    assert 400 <= r.status_code < 500, r.text
    body = r.json()
    assert body["error"] == "invalid_request"
    detail = next(d for d in body["details"] if d["field"] == field)
    assert detail["index"] == 1, body
    assert words in detail["message"], detail
    assert f"reads[1].{field}" in body["message"]
    assert server.count(Read) == 0
    assert server.image_files() == []


def test_capture_time_in_the_future_or_past_retention(server: LiveServer) -> None:
    token = server.add_unit()
    future = read_payload("ABC1234", server.clock.now + dt.timedelta(hours=2))
    r = post(server, token, {"reads": [future]})
    assert r.status_code == 422 and "future" in r.json()["message"]
    old = read_payload("ABC1234", server.clock.now - dt.timedelta(days=15))
    r = post(server, token, {"reads": [old]})
    assert r.status_code == 422 and "retention" in r.json()["message"]
    assert server.count(Read) == 0


def test_duplicate_ids_within_a_batch(server: LiveServer) -> None:
    token = server.add_unit()
    a = read_payload("ABC1234", server.clock.now)
    r = post(server, token, {"reads": [a, dict(a)]})
    assert r.status_code == 422 and "same id as reads[0]" in r.json()["message"]


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b'{"reads": [', 400, "malformed_json"),
        (b"not json at all", 400, "malformed_json"),
        (b'{"reads": "nope"}', 422, "invalid_request"),
        (b'{"reads": []}', 422, "invalid_request"),
        (b"[]", 422, "invalid_request"),
    ],
)
def test_malformed_bodies(server: LiveServer, raw: bytes, status: int, code: str) -> None:
    token = server.add_unit()
    r = post(server, token, None, raw=raw)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code and r.json()["message"]
    assert server.count(Read) == 0


def test_batch_over_1000_reads(server: LiveServer) -> None:
    token = server.add_unit()
    reads = [read_payload("ABC1234", server.clock.now, images=False) for _ in range(1001)]
    r = post(server, token, {"reads": reads})
    assert r.status_code == 422 and "at most 1000" in r.json()["message"]
    assert server.count(Read) == 0


def test_missing_wrong_and_revoked_tokens(server: LiveServer) -> None:
    body = {"reads": [read_payload("ABC1234", server.clock.now)]}
    r = post(server, None, body)
    assert r.status_code == 401 and r.json()["error"] == "unit_token_missing"
    r = post(server, "pwu_forged", body)
    assert r.status_code == 401 and r.json()["error"] == "bad_unit_token"
    from platewatch.server.accounts import service
    from platewatch.server.db.engine import transaction

    token = server.add_unit("car-7")
    with transaction(server.sessions) as db:
        assert service.revoke_unit(db, "car-7", "test", server.clock.now) == 1
    r = post(server, token, body)
    assert r.status_code == 401 and r.json()["error"] == "revoked_unit_token"
    # A person's session token is not a unit token.
    assert server.count(Read) == 0


def _group(best_uuid: str = "ABCDEF-1-1732790000000") -> dict[str, Any]:
    crop = b64(jpeg(seed=3))
    return {
        "data_type": "alpr_group",
        "version": 2,
        "company_id": "c",
        "agent_uid": "agent-1",
        "agent_type": "alprd",
        "camera_id": 12345,
        "country": "us",
        "uuids": [best_uuid],
        "best_uuid": best_uuid,
        "best_plate_number": "8ABC123",
        "best_confidence": 91.5,
        "best_region": "us-ca",
        "best_region_confidence": 80.0,
        "best_plate": {"plate": "8ABC123", "confidence": 91.5, "plate_crop_jpeg": crop},
        "candidates": [{"plate": "8ABC123", "confidence": 91.5}, {"plate": "8A8C123", "confidence": 70.1}],
        "epoch_start": 1764320000000,
        "epoch_end": 1764320003000,
        "gps_latitude": 41.15,
        "gps_longitude": -73.49,
        "travel_direction": 270.0,
        "is_parked": False,
        "vehicle_crop_jpeg": b64(jpeg(200, 150, seed=4)),
        "vehicle": {"color": [{"name": "silver", "confidence": 88.0}], "make": [{"name": "toyota", "confidence": 70}]},
    }


def test_openalpr_group_and_results(server: LiveServer) -> None:
    token = server.add_unit()
    server.clock.now = dt.datetime.fromtimestamp(1764320000, dt.UTC) + dt.timedelta(minutes=5)
    with server.client(token) as c:
        r = c.post("/api/v1/openalpr", json=_group())
        assert r.status_code == 200, r.text
        assert len(r.json()["stored"]) == 1
        again = c.post("/api/v1/openalpr", json=_group())
        assert again.json()["already_stored"] == r.json()["stored"]
        results = {
            "data_type": "alpr_results",
            "epoch_time": 1764320001000,
            "uuid": "frame-77",
            "camera_id": 9,
            "img_width": 1280,
            "img_height": 720,
            "results": [
                {"plate": "7XYZ890", "confidence": 88.0, "region": "us-ny", "plate_index": 0, "candidates": []},
                {"plate": "ABC1234", "confidence": 75.0, "region": "", "plate_index": 1},
            ],
        }
        r2 = c.post("/api/v1/openalpr", json=results)
        assert r2.status_code == 200 and len(r2.json()["stored"]) == 2
        bad = c.post("/api/v1/openalpr", json={"data_type": "alpr_alert"})
        assert bad.status_code == 422 and "data_type" in bad.json()["message"]
        # Agents that cannot set headers pass the token in the query string.
        with server.client() as anon:
            r3 = anon.post(f"/api/v1/openalpr?api_key={token}", json=_group("OTHER-1"))
            assert r3.status_code == 200
    with server.db() as db:
        rows = {r.plate: r for r in db.query(Read).all()}
    g = rows["8ABC123"]
    assert g.state == "CA" and g.source == "alpr_group" and abs(g.confidence - 0.915) < 1e-9
    assert g.attributes["vehicle"]["color"] == "silver" and g.heading == 270.0
    assert g.plate_image is not None and g.vehicle_image is not None
    assert rows["7XYZ890"].state == "NY" and rows["ABC1234"].state is None
    assert [c["plate"] for c in g.candidates] == ["8ABC123", "8A8C123"]
    assert json.loads(json.dumps(g.candidates))


def test_base64_with_whitespace_is_refused(server: LiveServer) -> None:
    token = server.add_unit()
    data = base64.encodebytes(jpeg()).decode()  # has newlines
    r = _bad(server, token, plate_image=data)
    assert r.status_code == 422 and "base64" in r.json()["message"]


def test_every_field_round_trips_exactly(server: LiveServer) -> None:
    """What a unit sends comes back unchanged: numbers, nulls, time zones, and text that PostgreSQL's COPY
    format would otherwise read as separators or escapes (tab, newline, backslash) or mangle (non-ASCII)."""
    token = server.add_unit()
    at = server.clock.now.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).replace(microsecond=123456)
    full = read_payload(
        "8ABC123", at, camera="rear:2 Café/ß-1", images=False, confidence=0.123456789012345,
        candidates=[{"plate": "8ABC123", "confidence": 1.0}, {"plate": "8A8C123", "confidence": 1e-7}],
        latitude=-89.999999, longitude=179.5, heading=0.0, state="us-ny", state_confidence=0.0, hotlist_version=0,
    )  # fmt: skip
    bare = read_payload(
        "XYZ1", at, images=False, candidates=[], state=None, state_confidence=None, lat=None, lon=None,
        heading=None, hotlist_version=None,
    )  # fmt: skip
    r = post(server, token, {"reads": [full, bare]})
    assert r.status_code == 200, r.text
    with server.db() as db:
        a = db.get(Read, uuid.UUID(full["id"]))
        b = db.get(Read, uuid.UUID(bare["id"]))
    assert a is not None and b is not None
    assert a.camera == "rear:2 Café/ß-1" and a.captured_at == at and a.captured_at.utcoffset() == dt.timedelta(0)
    assert a.confidence == 0.123456789012345 and a.plate_canonical == canonical("8ABC123")
    assert a.candidates == [{"plate": "8ABC123", "confidence": 1.0}, {"plate": "8A8C123", "confidence": 1e-7}]
    assert (a.latitude, a.longitude, a.heading) == (-89.999999, 179.5, 0.0)
    assert (a.state, a.state_confidence, a.hotlist_version, a.source) == ("NY", 0.0, 0, "platewatch")
    assert a.attributes == {} and a.plate_image is None
    assert b.candidates == [] and b.state is None and b.state_confidence is None
    assert (b.latitude, b.longitude, b.heading, b.hotlist_version) == (None, None, None, None)
    # OpenALPR agents send free text that ends up in the attributes.
    tricky = 'tab\there\nnew line \\ back\\slash \\N café ☃ "quoted"'
    server.clock.now = dt.datetime.fromtimestamp(1764320000, dt.UTC) + dt.timedelta(minutes=5)
    with server.client(token) as c:
        r = c.post("/api/v1/openalpr", json=_group(tricky))
        assert r.status_code == 200, r.text
    with server.db() as db:
        row = next(x for x in db.query(Read).all() if x.source == "alpr_group")
    assert row.attributes["openalpr_uuid"] == tricky and row.attributes["vehicle"]["color"] == "silver"


def test_the_same_batch_from_two_connections_at_once_is_stored_once(server: LiveServer) -> None:
    """A unit that retries while its first upload is still running: each read is stored by exactly one of
    the two requests, and the other reports it as already stored."""
    token = server.add_unit()
    reads = [read_payload(f"DUP{i:04d}", server.clock.now, images=False) for i in range(300)]
    results: list[Any] = [None, None]
    start = threading.Barrier(2)

    def upload(slot: int) -> None:
        start.wait()
        results[slot] = post(server, token, {"reads": reads})

    threads = [threading.Thread(target=upload, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    stored = [set(r.json()["stored"]) for r in results]
    again = [set(r.json()["already_stored"]) for r in results]
    ids = {r["id"] for r in reads}
    assert stored[0] | stored[1] == ids and not stored[0] & stored[1]
    assert again[0] == ids - stored[0] and again[1] == ids - stored[1]
    assert server.count(Read) == 300


def test_a_full_server_disk_is_503_and_stores_nothing_until_it_has_room(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    # The image store's disk is full: the unit is told to send again later (503, as for an outage), the batch is
    # stored not at all, and once space is freed the same batch goes in whole.
    with small_disk(tmp_path) as disk:
        settings = Settings(database_url=database_url, data_dir=disk.path / "data", purge_every_minutes=0)
        app = create_app(settings, clock=clock)
        with transaction(make_sessionmaker(app.state.engine)) as db:
            _, token = accounts.create_unit(db, "car-31", "mobile", "Car 31", "t")
        batch = {"reads": [read_payload("FULL001", clock.now, seed=1), read_payload("FULL002", clock.now, seed=3)]}
        try:
            with serving(app) as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
                disk.fill()
                r = c.post("/api/v1/reads", json=batch)
                assert r.status_code == 503 and r.json()["error"] == "storage_full", r.text
                assert "nothing of this request was stored" in r.json()["message"]
                with transaction(make_sessionmaker(app.state.engine)) as db:
                    assert db.query(Read).count() == 0
                assert not [f for f in (disk.path / "data").rglob("*") if f.is_file()]  # no image left behind
                disk.free()
                r = c.post("/api/v1/reads", json=batch)
                assert r.status_code == 200 and len(r.json()["stored"]) == 2, r.text
        finally:
            app.state.engine.dispose()


def test_a_full_disk_under_sqlite_is_503_too(database_url: str, tmp_path: Path, clock: Clock) -> None:
    # A town's server keeps its SQLite file and its images on one disk: the database's own write fails first.
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite file on the full disk")
    with small_disk(tmp_path, kib=8192) as disk:
        store = disk.path / "platewatch.db"
        shutil.copy(database_url.removeprefix("sqlite:///"), store)
        settings = Settings(database_url=f"sqlite:///{store}", data_dir=disk.path / "data", purge_every_minutes=0)
        app = create_app(settings, clock=clock)
        with transaction(make_sessionmaker(app.state.engine)) as db:
            _, token = accounts.create_unit(db, "car-32", "mobile", "Car 32", "t")
        batch = {"reads": [read_payload("FULL003", clock.now, images=False)]}
        try:
            with serving(app) as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
                disk.fill()
                r = c.post("/api/v1/reads", json=batch)
                assert r.status_code == 503 and r.json()["error"] == "storage_full", r.text
                disk.free()
                assert c.post("/api/v1/reads", json=batch).status_code == 200
        finally:
            app.state.engine.dispose()
