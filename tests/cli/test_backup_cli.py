"""`platewatch backup create | list | restore` on SQLite and PostgreSQL: a unit's reads and their images come back
after the disk is lost; backups past the retention period are deleted; bad requests change nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from platewatch.cli.main import app
from platewatch.domain.read_days import day_of
from platewatch.server.accounts.models import SecurityEvent, User
from platewatch.server.db import store_lock
from platewatch.server.db.migrate import alembic_config
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from tests.support.live_server import LiveServer, first_answer, free_port, read_payload
from tests.support.store_lock_sessions import lock_holders, postgresql_only, restore_after_a_restart

runner = CliRunner()


@pytest.fixture
def store(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> LiveServer:
    """The live server's store, as the CLI's settings."""
    monkeypatch.setenv("PLATEWATCH_DATABASE_URL", server.settings.database_url)
    monkeypatch.setenv("PLATEWATCH_DATA_DIR", str(server.settings.data_dir))
    return server


def upload(server: LiveServer, token: str, plates: list[str], seed: int = 0) -> None:
    """Reads of `plates`, each with two images made from `seed` + 2 × its place (the same seed, the same bytes)."""
    at = server.clock.now - dt.timedelta(hours=1)
    reads = [read_payload(p, at, seed=seed + 2 * i) for i, p in enumerate(plates)]
    with server.client(token) as c:
        assert c.post("/api/v1/reads", json={"reads": reads}).status_code == 200


def in_store(url: str) -> tuple[list[tuple[str, str | None, str | None, dt.datetime]], list[str]]:
    """(plate, plate image, vehicle image, capture time) of every read, and the security events, from a fresh
    connection."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            columns = (Read.plate, Read.plate_image, Read.vehicle_image, Read.captured_at)
            reads = conn.execute(select(*columns).order_by(Read.plate)).all()
            events = conn.execute(select(SecurityEvent.event).order_by(SecurityEvent.id)).scalars().all()
    finally:
        engine.dispose()
    return [tuple(r) for r in reads], list(events)  # type: ignore[misc]


def intact(images: ImageStore, reads: list[tuple[str, str | None, str | None, dt.datetime]]) -> bool:
    """Every image the reads name is in the store, found by the read's day (ADR 0023), and hashes to its name."""
    days = [(day_of(at), d) for _, plate, vehicle, at in reads for d in (plate, vehicle) if d]
    return bool(days) and all(images.verify(day, d) for day, d in days)


def test_reads_and_images_come_back_after_the_disk_is_lost(store: LiveServer, tmp_path: Path) -> None:
    token = store.add_unit()
    upload(store, token, ["6ZR4117", "7AB1234", "AR55K"])
    before, _ = in_store(store.settings.database_url)
    backups = tmp_path / "backups"
    made = runner.invoke(app, ["backup", "create", str(backups)])
    assert made.exit_code == 0, made.output
    (folder,) = backups.glob("platewatch-*")
    assert made.stdout.strip() == f"{folder}: 3 reads, 6 images"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["reads"], manifest["images"], manifest["images_missing"]) == (3, 6, 0)
    assert manifest["database"] == store.settings.database_url.split(":")[0].split("+")[0]
    listing = runner.invoke(app, ["backup", "list", str(backups)])
    assert listing.exit_code == 0 and folder.name in listing.stdout and f"schema {manifest['schema']}" in listing.stdout
    assert (
        manifest["schema"]
        == ScriptDirectory.from_config(alembic_config(store.settings.database_url)).get_current_head()
    )

    upload(store, token, ["LATER1", "LATER2"])  # after the backup
    images = ImageStore(store.settings.image_dir)
    for path in store.settings.image_dir.rglob("*.jpg"):
        path.unlink()  # the disk that held them is lost

    running = runner.invoke(app, ["backup", "restore", str(folder), "--replace"])
    assert running.exit_code == 1
    assert "a PlateWatch server is running on this store" in running.output and "stop the server" in running.output
    assert len(in_store(store.settings.database_url)[0]) == 5 and not store.image_files()  # nothing changed

    store.stop()
    refused = runner.invoke(app, ["backup", "restore", str(folder)])
    assert refused.exit_code == 1 and "already holds reads: restore with --replace" in refused.output
    assert len(in_store(store.settings.database_url)[0]) == 5  # nothing changed

    restored = runner.invoke(app, ["backup", "restore", str(folder), "--replace"])
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.strip() == f"restored {folder.name}: 3 reads, 6 images"
    after, events = in_store(store.settings.database_url)
    assert after == before
    assert intact(images, after)
    assert events[-1] == "backup_restored"


def test_a_daily_backup_stores_the_images_it_shares_with_the_previous_one_once(
    store: LiveServer, tmp_path: Path
) -> None:
    token = store.add_unit()
    upload(store, token, ["6ZR4117", "7AB1234"])
    backups = tmp_path / "backups"
    assert runner.invoke(app, ["backup", "create", str(backups)]).exit_code == 0
    (first,) = backups.glob("platewatch-*")
    upload(store, token, ["LATER1"], seed=10)  # the next day's reads
    made = runner.invoke(app, ["backup", "create", str(backups)])
    assert made.exit_code == 0, made.output
    (second,) = set(backups.glob("platewatch-*")) - {first}
    assert made.stdout.strip() == f"{second}: 3 reads, 6 images (4 unchanged since the previous backup: stored once)"
    assert json.loads((second / "manifest.json").read_text())["images_shared"] == 4
    old = {p.relative_to(first): p.stat() for p in first.rglob("*.jpg")}
    new = {p.relative_to(second): p.stat() for p in second.rglob("*.jpg")}
    assert len(old) == 4 and len(new) == 6 and set(old) < set(new)
    assert all(new[name].st_ino == old[name].st_ino and new[name].st_nlink == 2 for name in old)  # one file each
    assert all(new[name].st_nlink == 1 for name in set(new) - set(old))

    shutil.rmtree(first)  # expired: the second backup stands alone
    store.stop()
    restored = runner.invoke(app, ["backup", "restore", str(second), "--replace"])
    assert restored.exit_code == 0, restored.output
    reads, _ = in_store(store.settings.database_url)
    images = ImageStore(store.settings.image_dir)
    assert len(reads) == 3 and intact(images, reads)
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == p.stem for p in second.rglob("*.jpg"))


def test_backups_past_the_retention_period_are_deleted(store: LiveServer, tmp_path: Path) -> None:
    upload(store, store.add_unit(), ["6ZR4117"])
    backups = tmp_path / "backups"
    old, recent = backups / "platewatch-20200101T000000Z", backups / "platewatch-20200102T000000Z"
    now = dt.datetime.now(dt.UTC)
    for folder, age in ((old, dt.timedelta(days=14, minutes=5)), (recent, dt.timedelta(days=13))):
        folder.mkdir(parents=True)
        fields = {"database": "sqlite", "schema": "0015", "reads": 1, "images": 2, "images_missing": 0}
        manifest = {"created_at": (now - age).isoformat(), "oldest_read": None, **fields}
        (folder / "manifest.json").write_text(json.dumps(manifest))
    dead = backups / ".partial-platewatch-20200103T000000Z"  # a backup that died two hours ago
    dead.mkdir()
    os.utime(dead, (now.timestamp() - 7200, now.timestamp() - 7200))

    made = runner.invoke(app, ["backup", "create", str(backups)])
    assert made.exit_code == 0, made.output
    assert f"deleted {old.name}" in made.stdout and "over 14 days ago" in made.stdout
    assert not old.exists() and recent.exists() and not dead.exists()
    assert len(list(backups.glob("platewatch-*"))) == 2

    shorter = runner.invoke(app, ["backup", "create", str(backups), "--keep-days", "7"])
    assert shorter.exit_code == 0 and f"deleted {recent.name}" in shorter.stdout
    too_long = runner.invoke(app, ["backup", "create", str(backups), "--keep-days", "20"])
    assert too_long.exit_code == 2
    assert "--keep-days 20 would keep reads past the 14-day retention period" in too_long.output
    assert len(list(backups.glob("platewatch-*"))) == 2  # nothing made
    events = in_store(store.settings.database_url)[1]
    assert events.count("backup_created") == 2


def test_what_is_not_a_backup_is_named(store: LiveServer, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["backup", "restore", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert f"nothing restored: {tmp_path / 'empty'} is not a PlateWatch backup (no readable manifest.json)" in (
        " ".join(result.output.split())
    )
    assert runner.invoke(app, ["backup", "list", str(tmp_path / "empty")]).exit_code == 1
    with create_engine(store.settings.database_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(SecurityEvent)).scalar_one() == 0


def test_a_server_does_not_start_while_a_restore_runs(database_url: str, tmp_path: Path) -> None:
    """The other side of the lock: `platewatch server` started during a restore neither migrates, nor creates its
    first administrator, nor serves; it says why and exits."""
    environ = {
        **os.environ,
        "PLATEWATCH_DATABASE_URL": database_url,
        "PLATEWATCH_DATA_DIR": str(tmp_path / "data"),
        "PLATEWATCH_PORT": str(free_port()),
    }
    exe = Path(sys.executable).with_name("platewatch")
    with store_lock.restoring(database_url):
        done = subprocess.run([str(exe), "server"], env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "a backup is being restored into this store" in done.stderr and "Traceback" not in done.stderr
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(User)).scalar_one() == 0
    finally:
        engine.dispose()


def test_a_server_whose_store_a_restore_took_stops(database_url: str, tmp_path: Path) -> None:
    """PostgreSQL restarted, and a restore got the store before the server took its lock again: the server stops
    (systemd starts it again, and it waits for the restore to end) instead of serving a store replaced under it."""
    postgresql_only(database_url)
    port = free_port()
    environ = {
        **os.environ,
        "PLATEWATCH_DATABASE_URL": database_url,
        "PLATEWATCH_DATA_DIR": str(tmp_path / "data"),
        "PLATEWATCH_PORT": str(port),
        "PLATEWATCH_STORE_LOCK_CHECK_SECONDS": "0.2",
    }
    exe = Path(sys.executable).with_name("platewatch")
    process = subprocess.Popen([str(exe), "server"], env=environ, stderr=subprocess.PIPE, text=True)
    try:
        assert first_answer(f"http://127.0.0.1:{port}/api/v1/health", process, 60).status_code == 200
        assert len(lock_holders(database_url)) == 2  # the command's, from before its migration, and the app's
        with restore_after_a_restart(database_url):
            _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, stderr
    assert "this server stopped serving: a backup is being restored into this store" in stderr
    assert "Traceback" not in stderr
