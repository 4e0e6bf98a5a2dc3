"""OpenALPR's open-source daemon sends a message per frame and no `alpr_group`: replayed as it sends them (three cars,
one message per frame, `uuid` `<agent>-cam1-<epoch ms>`, `region` `ct`, no images) with `?frames=1`, they make three
reads with their state, and one alert for the listed car (issue 22)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from platewatch.domain.roles import Role
from platewatch.domain.vehicle_passes import Frame, joins, similar, vote
from platewatch.server.alerts.models import Alert
from platewatch.server.reads.models import Read
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer

START_MS = 1764320000000
# (car's first frame after START, the readings of its frames: the daemon misreads one or two)
CARS = {
    "7KD4821": (0, ["7KD4821", "7KD4821", "7KD482I", "7KD4821", "7KD4821", "7K04821", "7KD4821", "7KD4821"]),
    "5HX2290": (700, ["5HX229", "5HX2290", "5HX2290", "SHX2290", "5HX2290", "5HX2290", "5HX2290", "5HX2290"]),
    "AB12345": (4000, ["AB12345", "A812345", "AB12345", "AB12345", "AB12345", "AB1234", "AB12345", "AB12345"]),
}
FRAME_MS = 150


def alprd_frame(ms: int, plates: list[str]) -> dict[str, Any]:
    """An `alpr_results` message as OpenALPR 2.3's alprd posts it for one frame."""
    results = [
        {
            "plate": plate, "confidence": 88.5, "matches_template": 1, "plate_index": i, "region": "ct",
            "region_confidence": 76, "processing_time_ms": 12.4, "requested_topn": 10,
            "coordinates": [{"x": 600, "y": 400}, {"x": 720, "y": 400}, {"x": 720, "y": 440}, {"x": 600, "y": 440}],
            "candidates": [{"plate": plate, "confidence": 88.5, "matches_template": 1},
                           {"plate": plate[:-1], "confidence": 61.0, "matches_template": 0}],
        }
        for i, plate in enumerate(plates)
    ]  # fmt: skip
    return {
        "version": 2, "data_type": "alpr_results", "epoch_time": ms, "img_width": 1280, "img_height": 720,
        "processing_time_ms": 80.1, "regions_of_interest": [], "results": results, "uuid": f"agent-cam1-{ms}",
        "camera_id": 1, "site_id": "town-garage", "company_id": "", "agent_uid": "agent", "agent_type": "alprd",
    }  # fmt: skip


def recording() -> list[dict[str, Any]]:
    """The daemon's messages in the order it sends them: one per frame that showed a plate, cars overlapping."""
    seen: dict[int, list[str]] = {}
    for first, readings in CARS.values():
        for k, plate in enumerate(readings):
            seen.setdefault(START_MS + first + k * FRAME_MS, []).append(plate)
    return [alprd_frame(ms, plates) for ms, plates in sorted(seen.items())]


def test_frames_of_three_cars_make_three_reads_and_one_alert(server: LiveServer) -> None:
    actors = Actors(server)
    wanted = make_list(actors, name="Stolen", source="manual", category="stolen_vehicle")
    with actors.client(Role.SUPERVISOR) as c:
        entry = {"plate": "7KD4821", "state": "CT", "purpose": "stolen car, report 26-118"}
        assert c.post(f"/api/v1/hotlists/{wanted['id']}/entries", json=entry).status_code == 201
    server.clock.now = dt.datetime.fromtimestamp(START_MS / 1000, dt.UTC) + dt.timedelta(seconds=10)
    messages = recording()
    with server.client(server.add_unit("trailer-3")) as unit:
        answers = [unit.post("/api/v1/openalpr", params={"frames": 1}, json=m) for m in messages]
        again = unit.post("/api/v1/openalpr", params={"frames": 1}, json=messages[3])  # sent twice: kept once
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers if r.status_code != 200]
    assert len(messages) > 20 and again.status_code == 200 and again.json()["stored"] == []
    with server.db() as db:
        reads = {r.plate: r for r in db.query(Read)}
        alerts = db.query(Alert).all()
    assert sorted(reads) == sorted(CARS)
    assert {r.state for r in reads.values()} == {"CT"} and {r.source for r in reads.values()} == {"alpr_results"}
    first = {plate: dt.datetime.fromtimestamp((START_MS + start) / 1000, dt.UTC) for plate, (start, _) in CARS.items()}
    assert {p: r.captured_at for p, r in reads.items()} == first  # each pass is dated by its first frame
    assert all(len(r.attributes["pass"]["frames"]) == 8 for r in reads.values())
    assert [(a.read_id, a.matched_text) for a in alerts] == [(reads["7KD4821"].id, "7KD4821")]


def test_without_frames_each_frame_is_a_read_as_before(server: LiveServer) -> None:
    server.clock.now = dt.datetime.fromtimestamp(START_MS / 1000, dt.UTC) + dt.timedelta(seconds=10)
    with server.client(server.add_unit()) as unit:
        for m in recording()[:4]:
            assert unit.post("/api/v1/openalpr", json=m).status_code == 200
    assert server.count(Read) == 4  # the first car's frames at 0, 150, 300 and 450 ms: a read each


def test_a_pass_is_voted_across_its_frames() -> None:
    at = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)

    def frame(ms: int, text: str, conf: float = 0.9) -> Frame:
        return Frame(f"f{ms}", at + dt.timedelta(milliseconds=ms), ((text, conf),), "CT")

    frames = [frame(0, "7KD4821"), frame(150, "7KD482I"), frame(300, "7KD4821", 0.8)]
    voted = vote(frames)
    assert voted.text == "7KD4821" and voted.state == "CT" and abs(voted.confidence - 1.7 / 3) < 1e-9
    assert similar("7KD4821", "7K04821") and not similar("7KD4821", "5HX2290")
    assert joins(at, at + dt.timedelta(seconds=1), "7KD4821", frame(2900, "7KD4821"))
    assert not joins(at, at, "7KD4821", frame(2500, "7KD4821"))  # unseen for 2.5 s: another pass
    assert not joins(at, at + dt.timedelta(seconds=29), "7KD4821", frame(31_000, "7KD4821"))  # parked: cut at 30 s
