"""`platewatch check`, as IT runs it after an install or an upgrade: what is fine, what is not, and what to do."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from alembic import command

from platewatch.server.db.migrate import alembic_config
from tests.support.cli import run
from tests.support.live_server import LiveServer, free_port, read_payload


def test_a_current_installation_passes(env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("PLATEWATCH_QUERYLOG_ANCHOR_FILE", str(tmp_path / "anchors.jsonl"))
    code, out = run("check")
    assert code == 0, out
    assert "ok    database: " in out and "answers" in out
    assert "ok    schema: at " in out and "the newest" in out
    assert "ok    data folder: " in out and "is writable" in out and "GiB free" in out
    assert "ok    query-log anchors: " in out and "can be appended to" in out
    assert not (tmp_path / "anchors.jsonl").exists()  # checking writes nothing there


def test_a_schema_behind_the_code_fails_until_upgraded(env: str, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    command.downgrade(alembic_config(env), "-1")
    code, out = run("check")
    assert code == 1
    assert "FAIL  schema: at " in out and "the code needs" in out and "run `platewatch db upgrade`" in out
    assert run("db", "upgrade")[0] == 0
    code, out = run("check")
    assert code == 0, out


def test_a_data_folder_that_is_a_file_or_missing_fails(env: str, tmp_path: Path) -> None:
    code, out = run("check")
    assert code == 1 and f"FAIL  data folder: {tmp_path / 'data'} does not exist" in out
    (tmp_path / "data").write_text("not a folder")
    code, out = run("check")
    assert code == 1 and "is not a folder" in out


def test_a_database_that_does_not_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATEWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLATEWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'missing.db'}")
    code, out = run("check")
    assert code == 1 and "FAIL  database: no SQLite file at" in out and "schema" not in out
    assert not (tmp_path / "missing.db").exists()  # checking did not create an empty store
    port = free_port()
    monkeypatch.setenv("PLATEWATCH_DATABASE_URL", f"postgresql+psycopg://nobody@127.0.0.1:{port}/platewatch")
    code, out = run("check")
    assert code == 1 and "FAIL  database: cannot connect (postgresql)" in out and str(port) in out


def test_an_anchor_path_that_is_a_folder_fails(env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "anchors").mkdir()
    monkeypatch.setenv("PLATEWATCH_QUERYLOG_ANCHOR_FILE", str(tmp_path / "anchors"))
    code, out = run("check")
    assert code == 1 and "FAIL  query-log anchors: " in out and "is not a file" in out


def test_the_services_settings_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PLATEWATCH_DATABASE_URL", "PLATEWATCH_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = tmp_path / "server.env"
    settings.write_text(
        f"# as deploy/install.sh writes it\nPLATEWATCH_DATABASE_URL=sqlite:///{tmp_path / 'pw.db'}\n"
        f"PLATEWATCH_DATA_DIR={tmp_path}\nPLATEWATCH_AGENCY_NAME=Town of Example Police\n"
    )
    code, out = run("check", "--env-file", str(settings))
    assert code == 1 and f"no SQLite file at {tmp_path / 'pw.db'}" in out and f"{tmp_path} is writable" in out
    code, out = run("check", "--env-file", str(tmp_path / "nowhere.env"))
    assert code == 2 and "no settings file" in out and "nowhere.env" in out
    settings.write_text("PLATEWATCH_RETENTION_DAYS=0\n")
    code, out = run("check", "--env-file", str(settings))
    assert code == 2 and "PLATEWATCH_RETENTION_DAYS" in out


def test_backups_that_stopped_fail(env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    code, out = run("check")
    assert code == 0 and "ok    backups: not set: set PLATEWATCH_BACKUP_DIR" in out
    backups = tmp_path / "backups"
    monkeypatch.setenv("PLATEWATCH_BACKUP_DIR", str(backups))
    code, out = run("check")
    assert code == 1 and f"FAIL  backups: {backups} does not exist" in out
    backups.mkdir()
    code, out = run("check")
    assert code == 1 and f"FAIL  backups: no backup in {backups} yet" in out
    assert run("backup", "create")[0] == 0  # the setting names the folder
    code, out = run("check")
    assert code == 0 and f"ok    backups: the newest in {backups} is 0 min old (0 reads)" in out, out
    (made,) = backups.glob("platewatch-*")
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["created_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat()
    (made / "manifest.json").write_text(json.dumps(manifest))
    code, out = run("check")
    assert code == 1 and f"FAIL  backups: the newest backup in {backups} is 2 days old" in out
    monkeypatch.delenv("PLATEWATCH_BACKUP_DIR")
    code, out = run("backup", "create")
    assert code == 2 and "name the backups' folder, or set PLATEWATCH_BACKUP_DIR" in out


def test_reads_the_purge_left_past_the_retention_period_fail(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLATEWATCH_DATABASE_URL", server.settings.database_url)
    monkeypatch.setenv("PLATEWATCH_DATA_DIR", str(server.settings.data_dir))
    server.settings.data_dir.mkdir(parents=True, exist_ok=True)
    assert run("purge", "--dry-run")[0] == 0  # a dry run is in the purge log, but it is not a purge
    code, out = run("check")
    assert code == 0 and "ok    retention: no read past the 14-day retention period outside a legal hold" in out
    assert "(last purge: never)" in out
    server.clock.now = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)  # the unit uploads a read then ...
    with server.client(server.add_unit()) as c:
        assert c.post("/api/v1/reads", json={"reads": [read_payload("6ZR4117", server.clock.now)]}).status_code == 200
    code, out = run("check")  # ... and nobody purged it since
    assert code == 1 and "FAIL  retention: 1 reads past the 14-day retention period and under no legal hold" in out
    assert run("purge")[0] == 0
    code, out = run("check")
    assert code == 0 and "ok    retention: no read past the 14-day retention period outside a legal hold" in out
    assert "(last purge: never)" not in out


def test_a_retention_longer_than_the_orders_needs_its_legal_authority(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    code, out = run("check")
    assert code == 0 and "ok    retention period: reads are kept 14 days at most (the order allows 14)" in out
    monkeypatch.setenv("PLATEWATCH_RETENTION_DAYS", "30")
    for command_line in (("check",), ("server",), ("purge", "--dry-run")):
        code, out = run(*command_line)
        assert code == 2 and "Traceback" not in out, out  # refused before anything runs
        assert "PLATEWATCH_RETENTION_AUTHORITY: a retention period of 30 days is longer than the order's 14" in out
    monkeypatch.setenv("PLATEWATCH_RETENTION_AUTHORITY", "Superior Court order HHD-CV26-6012345 (preservation)")
    code, out = run("check")
    assert code == 0, out
    assert "ok    retention period: reads are kept 30 days, longer than the order's 14, on the authority of: " in out
    assert "HHD-CV26-6012345" in out
