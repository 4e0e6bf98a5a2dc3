"""The server anchors the Data Query Log on its own: its head, appended to the anchor file as searches happen;
a file in a folder that does not exist is refused at start."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from platewatch.domain.querylog_anchors import parse_anchors
from platewatch.domain.roles import Role
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.querylog import service as querylog
from platewatch.server.querylog.anchors import verify_anchors
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import PURPOSE, LiveServer, serving


def test_the_server_anchors_the_query_log_as_it_grows(database_url: str, tmp_path: Path, clock: Clock) -> None:
    anchors = tmp_path / "anchors.jsonl"
    settings = Settings(
        database_url=database_url, data_dir=tmp_path / "data", purge_every_minutes=0,
        querylog_anchor_file=anchors, querylog_anchor_minutes=0.005,  # 0.3 s
    )  # fmt: skip
    app = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    with serving(app) as base:
        server = LiveServer(base, settings, clock, sessions)
        time.sleep(0.5)
        assert not anchors.exists()  # an empty log has no head to anchor
        with server.client(server.login(server.add_person(Role.INVESTIGATOR))) as c:
            for plate in ("ABC1234", "XYZ*"):
                assert c.get("/api/v1/reads/search", params={**PURPOSE, "plate": plate}).status_code == 200
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any('"seq": 2' in x for x in _lines(anchors)):
            time.sleep(0.1)
        found = parse_anchors(_lines(anchors))
        assert found and found[-1].seq == 2 and {a.seq for a in found} <= {1, 2}
        with server.db() as db:
            assert verify_anchors(db, found) == [] and querylog.verify(db) == (2, [])
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_an_anchor_file_needs_its_folder(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"no folder .*missing"):
        Settings(querylog_anchor_file=tmp_path / "missing" / "anchors.jsonl")


def test_without_anchors_verify_and_check_say_a_log_rewritten_whole_would_pass(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: `querylog verify` without anchors passed a chain recomputed whole, and said nothing of it."""
    from platewatch.server.install_check import anchor_file
    from tests.support.cli import run

    monkeypatch.setenv("PLATEWATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("PLATEWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PLATEWATCH_QUERYLOG_ANCHOR_FILE", raising=False)
    code, said = run("querylog", "verify")
    assert code == 0 and "intact" in said
    assert "not checked against anchors" in said and "set PLATEWATCH_QUERYLOG_ANCHOR_FILE" in said
    off = anchor_file(Settings(database_url=database_url))
    assert off.ok and off.detail.startswith("off") and "rewritten whole" in off.detail
    anchors = tmp_path / "anchors.jsonl"
    monkeypatch.setenv("PLATEWATCH_QUERYLOG_ANCHOR_FILE", str(anchors))
    code, said = run("querylog", "verify")
    assert code == 0 and f"add --anchors {anchors}" in said
