"""OpenALPR agents' messages through the real HTTP API: bad input is a 422 in `/reads`' shape, never a 500; the ingest
cap holds on every ingest route; a refused upload is logged with its unit (never its plate) and counted for the Units
page (issue 22)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.reads.models import Read
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.server.test_hotlists_api import Actors
from tests.support.live_server import LiveServer, read_payload, serving

EPOCH_MS = 1764320000000


def _results(*plates: str, region: str = "us-ct", frame: str = "agent-cam1-1764320000000") -> dict[str, Any]:
    return {
        "data_type": "alpr_results", "epoch_time": EPOCH_MS, "uuid": frame, "camera_id": 1,
        "results": [{"plate": p, "confidence": 90.0, "region": region, "plate_index": i} for i, p in enumerate(plates)],
    }  # fmt: skip


def _group(**fields: Any) -> dict[str, Any]:
    return {
        "data_type": "alpr_group", "agent_uid": "agent", "best_uuid": "agent-cam1-1764320000000", "camera_id": 1,
        "best_plate_number": "8ABC123", "best_confidence": 91.5, "best_region": "us-ct", "epoch_start": EPOCH_MS,
        **fields,
    }  # fmt: skip


def _raw(text: str) -> bytes:
    """JSON as a lax agent writes it: Python's json module writes NaN and Infinity, as JavaScript's cannot."""
    return text.encode()


@pytest.fixture
def at_capture(server: LiveServer) -> LiveServer:
    server.clock.now = dt.datetime.fromtimestamp(EPOCH_MS / 1000, dt.UTC) + dt.timedelta(minutes=1)
    return server


def test_bad_agent_messages_are_422_naming_the_field(at_capture: LiveServer) -> None:
    server = at_capture
    token = server.add_unit()
    sent = {
        "epoch_start 1e20": (json.dumps(_group(epoch_start=1e20)), "epoch_start"),
        "epoch_start -1e17": (json.dumps(_group(epoch_start=-1e17)), "epoch_start"),
        "epoch_start NaN": (json.dumps(_group(epoch_start=float("nan"))), "epoch_start"),
        "epoch_start Infinity": (json.dumps(_group(epoch_start=float("inf"))), "epoch_start"),
        "epoch_time text": (json.dumps({**_results("ABC1234"), "epoch_time": "soon"}), "epoch_time"),
        "candidates 5": (json.dumps(_group(candidates=5)), "candidates"),
        "a result's candidates 5": (json.dumps(_results("ABC1234") | {"results": [{"plate": "A1", "candidates": 5}]}),
                                    "candidates"),
        "results not a list": (json.dumps({**_results("ABC1234"), "results": {"plate": "A1"}}), "results"),
        "confidence NaN": (json.dumps(_results("ABC1234") | {"results": [{"plate": "A1", "confidence": float("nan")}]}),
                           "confidence"),
        "gps NaN": (json.dumps(_group(gps_latitude=float("nan"))), "gps_latitude"),
    }  # fmt: skip
    with server.client(token) as c:
        answers = {
            name: (c.post("/api/v1/openalpr", content=_raw(body), headers={"content-type": "application/json"}), field)
            for name, (body, field) in sent.items()
        }
    for name, (r, field) in answers.items():
        assert r.status_code == 422, (name, r.status_code, r.text)
        body = r.json()
        assert body["error"] == "invalid_request" and field in [d["field"] for d in body["details"]], (name, body)
    assert server.count(Read) == 0


def test_a_region_is_mapped_as_us_xx_or_as_xx(at_capture: LiveServer) -> None:
    """OpenALPR's daemon run with `pattern=ct` says `ct`; with a US country config, `us-ct`; Europe's `gb` is none."""
    server = at_capture
    token = server.add_unit()
    with server.client(token) as c:
        for i, region in enumerate(("ct", "us-ny", "gb", "")):
            r = c.post("/api/v1/openalpr", json=_results(f"ABC{i}23", region=region, frame=f"agent-cam1-{i}"))
            assert r.status_code == 200, r.text
    with server.db() as db:
        states = {read.plate: read.state for read in db.query(Read)}
    assert states == {"ABC023": "CT", "ABC123": "NY", "ABC223": None, "ABC323": None}


def test_the_ingest_cap_holds_on_every_ingest_route(database_url: str, tmp_path: Path, clock: Clock) -> None:
    settings = Settings(
        database_url=database_url, data_dir=tmp_path / "data", ingest_max_batch=3, purge_every_minutes=0
    )
    app = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    clock.now = dt.datetime.fromtimestamp(EPOCH_MS / 1000, dt.UTC) + dt.timedelta(minutes=1)
    with serving(app) as base:
        server = LiveServer(base, settings, clock, sessions)
        with server.client(server.add_unit()) as c:
            frame = c.post("/api/v1/openalpr", json=_results(*(f"ABC{i}23" for i in range(4))))
            batch = c.post("/api/v1/reads", json={"reads": [read_payload(f"XY{i}", clock.now) for i in range(4)]})
            within = c.post("/api/v1/openalpr", json=_results("ABC123", "ABC223", "ABC323"))
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()
    for r, field in ((frame, "results"), (batch, "reads")):
        assert r.status_code == 422 and r.json()["error"] == "batch_too_large", r.text
        assert "PLATEWATCH_INGEST_MAX_BATCH" in r.json()["message"] and r.json()["details"][0]["field"] == field
    assert within.status_code == 200 and len(within.json()["stored"]) == 3


def test_a_message_of_50000_plates_is_refused_whole(at_capture: LiveServer) -> None:
    server = at_capture
    with server.client(server.add_unit()) as c:
        r = c.post("/api/v1/openalpr", json=_results(*(["ABC1234"] * 50_000)))
    assert r.status_code == 422 and r.json()["error"] == "batch_too_large", r.text[:300]
    assert "at most 1000" in r.json()["message"]
    assert server.count(Read) == 0


def test_a_refused_upload_is_logged_with_its_unit_and_counted_on_the_units_page(
    at_capture: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = at_capture
    token = server.add_unit("trailer-3")
    caplog.set_level(logging.WARNING)
    with server.client(token) as c:
        assert c.post("/api/v1/openalpr", json=_group(epoch_start="yesterday")).status_code == 422
        future = read_payload("SECRET1", server.clock.now + dt.timedelta(hours=2), images=False)
        assert c.post("/api/v1/reads", json={"reads": [future]}).status_code == 422
        assert (
            c.post("/api/v1/reads", json={"reads": [{**future, "plate": "SECRET2", "confidence": 7}]}).status_code
            == 422
        )
        assert c.post("/api/v1/openalpr", json=_results("ABC1234")).status_code == 200
    with server.client("pwu_not-a-token") as c:
        assert c.post("/api/v1/openalpr", json=_results("SECRET3")).status_code == 401
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 4, refusals
    assert "trailer-3" in refusals[0] and "422" in refusals[0] and "epoch_start" in refusals[0]
    assert "reads[0].captured_at" in refusals[1] and "reads[0].confidence" in refusals[2]
    assert "401" in refusals[3] and "/api/v1/openalpr" in refusals[3]
    assert not any("SECRET" in line or "pwu_" in line for line in refusals)  # never a plate, never a token
    with Actors(server).client(Role.SUPERVISOR) as c:
        units = {u["name"]: u for u in c.get("/api/v1/units/status").json()["units"]}
        page = c.get("/units")
    trailer = units["trailer-3"]
    assert trailer["ingest_refused"] == 3
    assert any("3 uploads refused" in w and "reads[0].confidence" in w for w in trailer["warnings"]), trailer
    assert "3 uploads refused" in page.text
