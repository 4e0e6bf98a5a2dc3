"""The unit's per-frame work with the real models: a hit is announced from the first sure frame, not when the
pass ends, and one listed car is one alert; every pass is queued with the hot-list version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from platewatch.engine.pipeline import Pipeline
from platewatch.engine.types import PlateRead
from platewatch.unit.agent import UnitAgent
from platewatch.unit.alerts import RaisedAlert
from platewatch.unit.hotlist import UnitHotList
from platewatch.unit.outbox import Outbox
from platewatch.unit.sources import Frame, video_frames
from tests.engine.conftest import write_approach_video
from tests.support.small_disk import small_disk
from tests.unit.test_hotlist import entry_json, snapshot

START = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def test_the_officer_hears_of_a_listed_car_from_its_first_sure_frame(tmp_path: Path) -> None:
    video = write_approach_video(tmp_path / "patrol.avi", "6ZR4117", frames=8)
    hotlist = UnitHotList.from_snapshot(snapshot([entry_json(1, "6ZR4117", state=None)]))
    alerts: list[RaisedAlert] = []
    with Outbox(tmp_path / "outbox.db") as box:
        agent = UnitAgent(Pipeline.default(), box, "front", START, hotlist, on_hit=alerts.append)
        queued_when_alerted = []
        for frame in video_frames(video):
            agent.process(frame)
            if alerts and not queued_when_alerted:
                queued_when_alerted.append(box.stats().pending)
        agent.finish()
        (read,) = box.pending(10)
    assert len(alerts) == 1  # eight frames and the voted pass: one alert
    alert = alerts[0]
    assert alert.text == "6ZR4117" and alert.frame <= 2 and "exact match" in alert.line
    assert queued_when_alerted == [0]  # announced while the pass was still open
    # The alert names the read the pass became, and shows the officer that frame's plate (V.E.4).
    assert str(alert.read_id) == read["id"] and alert.hotlist_version == hotlist.version
    assert (alert.list_id, alert.entry.plate, alert.match_kind) == (1, "6ZR4117", "exact")
    assert alert.plate_jpeg is not None and alert.plate_jpeg[:2] == b"\xff\xd8"
    assert alert.raised_at == START + dt.timedelta(milliseconds=alert.frame * 100)  # 10 frames a second
    assert read["plate"] == "6ZR4117" and read["hotlist_version"] == hotlist.version
    assert agent.counts.hits == 1 and agent.counts.passes == 1 and agent.counts.frames == 8


def test_a_car_not_on_the_list_raises_no_alert(tmp_path: Path) -> None:
    video = write_approach_video(tmp_path / "patrol.avi", "5HX2290")
    hotlist = UnitHotList.from_snapshot(snapshot([entry_json(1, "6ZR4117", state=None)]))
    alerts: list[RaisedAlert] = []
    with Outbox(tmp_path / "outbox.db") as box:
        agent = UnitAgent(Pipeline.default(), box, "front", START, hotlist, on_hit=alerts.append)
        for frame in video_frames(video):
            agent.process(frame)
        agent.finish()
        assert [r["plate"] for r in box.pending(10)] == ["5HX2290"]
    assert alerts == []


def test_a_full_disk_loses_the_read_but_not_the_officers_alert(tmp_path: Path) -> None:
    video = write_approach_video(tmp_path / "patrol.avi", "6ZR4117", frames=8)
    hotlist = UnitHotList.from_snapshot(snapshot([entry_json(1, "6ZR4117", state=None)]))
    alerts: list[RaisedAlert] = []
    with small_disk(tmp_path) as disk, Outbox(disk.path / "outbox.db") as box:
        disk.fill()  # an outage's reads took the disk
        agent = UnitAgent(Pipeline.default(), box, "front", START, hotlist, on_hit=alerts.append)
        for frame in video_frames(video):
            agent.process(frame)
        agent.finish()  # the pass ends: its read cannot be stored, and the patrol goes on
        assert box.stats().pending == 0
    assert [a.text for a in alerts] == ["6ZR4117"]
    assert (agent.counts.passes, agent.counts.lost, agent.counts.hits) == (1, 1, 1)


class ScriptedReads:
    """The pipeline's place with literal reads, one list per frame: the agent's alert rules on given readings."""

    def __init__(self, reads: list[list[PlateRead]]) -> None:
        self.frames = iter(reads)

    def run(self, image: np.ndarray) -> list[PlateRead]:
        return next(self.frames)


def test_a_plate_found_plainly_but_read_unsurely_is_uploaded_without_an_alert(tmp_path: Path) -> None:
    hotlist = UnitHotList.from_snapshot(snapshot([entry_json(1, "6ZR4117", state=None)]))
    image = np.zeros((720, 1280, 3), np.uint8)

    def drive(confidence: float) -> tuple[list[RaisedAlert], list[dict[str, Any]]]:
        reads = [
            [PlateRead("6ZR4117", confidence, (600 + 4 * i, 400, 660 + 4 * i, 420), 0.9, (confidence,) * 7, ())]
            for i in range(6)
        ]
        alerts: list[RaisedAlert] = []
        with Outbox(tmp_path / f"outbox-{confidence}.db") as box:
            agent = UnitAgent(ScriptedReads(reads), box, "front", START, hotlist, on_hit=alerts.append)  # type: ignore[arg-type]
            for i in range(6):
                agent.process(Frame(i, i * 100.0, image))
            agent.finish()
            return alerts, box.pending(10)

    # read at 0.08 in every frame of a plate the detector is sure of: a guess, uploaded for a partial search
    alerts, queued = drive(0.08)
    assert [(r["plate"], r["confidence"]) for r in queued] == [("6ZR4117", 0.08)] and "plate_image" in queued[0]
    assert alerts == []  # no officer is alerted on a guess
    assert queued[0]["found_only"] is True  # and the server is told, so that it raises none either (ADR 0025)
    # read at 0.3 (too unsure for a frame alert, 0.5): the pass's vote is a reading, and it hits at the pass's end
    alerts, queued = drive(0.3)
    assert [r["plate"] for r in queued] == ["6ZR4117"] and [a.text for a in alerts] == ["6ZR4117"]
    assert "found_only" not in queued[0]
