"""The administrator's commands, run as a user would: `platewatch user|unit|querylog|db …`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from platewatch.server.db.engine import make_engine
from tests.support.cli import run
from tests.support.live_server import first_answer, free_port


def test_user_lifecycle(env: str) -> None:
    code, out = run("user", "add", "jdoe", "--role", "officer", "--full-name", "Jane Doe")
    assert code == 0, out
    assert re.search(r"one-time password \(give it in person\): \S{12,}", out)
    assert "sets up their authenticator app" in out and "otpauth" not in out  # the person enrols it, nobody else
    code, out = run("user", "add", "jdoe", "--role", "officer")
    assert code == 1 and "already exists" in out
    code, out = run("user", "add", "tech1", "--role", "equipment")
    assert code == 0 and "authenticator" not in out  # no read data, no TOTP needed
    code, out = run("user", "add", "x", "--role", "janitor")
    assert code != 0 and "janitor" in out
    code, out = run("user", "reset-mfa", "jdoe")
    assert code == 0 and "authenticator of jdoe removed" in out and "otpauth" not in out
    assert re.search(r"one-time password \(give it in person\): \S{12,}", out)
    code, out = run("user", "set-password", "jdoe", input="short\nshort\n")
    assert code == 1 and "at least 12" in out
    code, out = run("user", "set-password", "jdoe", input="a long enough passphrase\na long enough passphrase\n")
    assert code == 0 and "must change it at their next log-in" in out
    code, out = run("user", "disable", "jdoe")
    assert code == 0
    code, out = run("user", "disable", "nobody")
    assert code == 1 and "no user named 'nobody'" in out
    engine = make_engine(env)
    with engine.connect() as conn:
        active = conn.execute(text("SELECT active FROM users WHERE username = 'jdoe'")).scalar()
        events = conn.execute(text("SELECT event FROM security_events ORDER BY id")).scalars().all()
        must_change = conn.execute(text("SELECT must_change_password FROM users WHERE username = 'jdoe'")).scalar()
    engine.dispose()
    assert not active
    assert events == ["user_created", "user_created", "mfa_reset", "password_set", "user_disabled"]
    assert must_change  # an administrator-set password is one-time


def test_user_train_documents_a_course(env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("user", "add", "jdoe", "--role", "officer")[0] == 0
    code, out = run("user", "train", "jdoe", "--trainer", "Sgt. Rivera", "--completed-on", "2026-11-02")
    assert code == 0 and "recorded for jdoe: counts until 2027-11-02" in out, out
    code, out = run("user", "train", "ghost", "--trainer", "Sgt. Rivera")
    assert code == 1 and "no user 'ghost'" in out
    code, out = run("user", "train", "jdoe", "--trainer", "Sgt. Rivera", "--completed-on", "2026-13-01")
    assert code == 1 and "completed_on" in out
    engine = make_engine(env)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT username, trainer, recorded_by FROM training_records")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("jdoe", "Sgt. Rivera", "cli")]


def test_unit_add_and_revoke(env: str) -> None:
    code, out = run("unit", "add", "car-12", "--kind", "mobile", "--approved-for", "cruiser 12")
    assert code == 0, out
    token = re.search(r"API token \(shown once\): (pwu_\S+)", out)
    assert token
    code, out = run("unit", "add", "car-13", "--kind", "boat")
    assert code == 1 and "mobile" in out
    code, out = run("unit", "revoke", "car-12")
    assert code == 0 and "1 token(s) revoked" in out
    engine = make_engine(env)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM unit_tokens")).scalars().all()
    engine.dispose()
    assert token.group(1) not in stored  # only the hash is at rest


def test_querylog_verify_exit_codes(env: str) -> None:
    code, out = run("querylog", "verify")
    assert code == 0 and "0 rows verified" in out


def test_db_upgrade_is_idempotent(env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("db", "upgrade")[0] == 0


def test_a_bad_setting_is_named_before_anything_runs(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATEWATCH_MAP_AREA", "41.1,-73.5,41.2")
    monkeypatch.setenv("PLATEWATCH_RETENTION_DAYS", "0")
    code, output = run("db", "upgrade")
    assert code == 2 and "Traceback" not in output
    assert "PLATEWATCH_MAP_AREA: bbox needs four numbers" in output
    assert "PLATEWATCH_RETENTION_DAYS: Input should be greater than or equal to 1" in output


def test_server_process_serves_the_login_page(tmp_path: Path) -> None:
    """What `make run` does: a fresh SQLite store, migrated, first administrator, login page."""
    port = free_port()
    environ = {
        **os.environ,
        "PLATEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'pw.db'}",
        "PLATEWATCH_DATA_DIR": str(tmp_path),
        "PLATEWATCH_PORT": str(port),
    }
    exe = Path(sys.executable).with_name("platewatch")
    proc = subprocess.Popen(
        [str(exe), "server"], env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        r = first_answer(f"http://127.0.0.1:{port}/login", proc, 30)
        assert r.status_code == 200 and "Log in" in r.text and "Authenticator code" in r.text
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    assert "First administrator created: admin" in output
    password = re.search(r"one-time password \(shown once\): (\S+)", output)
    assert password and len(password.group(1)) >= 12
    assert "otpauth" not in output and "sets up the authenticator app" in output  # enrolled by the administrator


@pytest.mark.slow
def test_make_run_starts_the_server_and_a_demo_unit_whose_reads_arrive(tmp_path: Path) -> None:
    """`scripts/run.sh` (what `make run` runs after installing): the server, and the demo unit replaying its
    recording into it; Ctrl-C stops both."""
    repo = Path(__file__).resolve().parents[2]
    port = free_port()
    db = tmp_path / "pw.db"
    environ = {
        **os.environ,
        "PLATEWATCH_DATABASE_URL": f"sqlite:///{db}",
        "PLATEWATCH_DATA_DIR": str(tmp_path / "var"),
        "PLATEWATCH_PORT": str(port),
    }
    proc = subprocess.Popen(
        ["bash", str(repo / "scripts" / "run.sh")],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    plates: list[str] = []
    places: list[tuple[float | None, float | None]] = []
    try:
        deadline = time.monotonic() + 240
        while len(plates) < 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(1)
            if db.exists():
                with make_engine(f"sqlite:///{db}").connect() as c:
                    try:
                        rows = c.execute(text("SELECT plate, latitude, longitude FROM reads WHERE camera = 'demo'"))
                    except OperationalError:  # the schema is still being created
                        continue
                    plates, places = [], []
                    for plate, lat, lon in rows:
                        plates.append(plate)
                        places.append((lat, lon))
    finally:
        os.killpg(proc.pid, 2)  # Ctrl-C
        output = proc.communicate(timeout=30)[0]
    assert sorted(plates) == sorted(["6ZR4117", "5HX2290", "AB12345", "7KD4821", "XYZ9876"]), output
    assert "demo unit: replaying" in output
    assert all(
        lat == pytest.approx(41.144, abs=0.002) and lon == pytest.approx(-73.495, abs=0.002) for lat, lon in places
    )
    assert (tmp_path / "var" / "demo" / "unit.token").read_text().startswith("pwu_")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # nothing is left of the group: server, replay loop, its sleep
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)


def test_purge_deletes_expired_reads_and_says_what_it_did(env: str, tmp_path: Path) -> None:
    import datetime as dt
    import uuid

    from platewatch.domain.read_days import day_of
    from platewatch.server.accounts import service as accounts
    from platewatch.server.db.engine import make_sessionmaker, transaction
    from platewatch.server.reads.imagestore import ImageStore
    from platewatch.server.reads.models import Read
    from platewatch.server.reads.service import record_image_uses
    from tests.support.live_server import jpeg

    store = ImageStore(tmp_path / "data" / "images")
    now = dt.datetime.now(dt.UTC)
    old_day, new_day = (day_of(now - dt.timedelta(days=age)) for age in (20, 1))
    old_image, new_image = store.put(old_day, jpeg(seed=1)), store.put(new_day, jpeg(seed=2))
    engine = make_engine(env)
    with transaction(make_sessionmaker(engine)) as db:
        unit, _ = accounts.create_unit(db, "car-7", "mobile", "cruiser 7", "admin")
        for plate, age, image in (("OLD0001", 20, old_image), ("NEW0001", 1, new_image)):
            db.add(Read(id=uuid.uuid4(), unit_id=unit.id, camera="front", captured_at=now - dt.timedelta(days=age),
                        plate=plate, plate_canonical=plate, confidence=0.9, plate_image=image))  # fmt: skip
            record_image_uses(db, [(image, now - dt.timedelta(days=age))])  # as ingest does (ADR 0019)
    code, out = run("purge", "--dry-run")
    assert code == 0 and "would delete 1 reads" in out and "1 images" in out, out
    assert store.get(old_day, old_image) is not None
    code, out = run("purge")
    assert code == 0 and "deleted 1 reads" in out and "0 kept under legal holds" in out, out
    assert store.get(old_day, old_image) is None and store.get(new_day, new_image) is not None
    assert not any((store.root / "retired").iterdir())  # the retired day's folder is deleted after the purge
    with engine.connect() as conn:
        plates = conn.execute(text("SELECT plate FROM reads")).scalars().all()
        runs = conn.execute(text("SELECT ran_by, reads_deleted, dry_run FROM purge_runs ORDER BY id")).all()
    engine.dispose()
    assert plates == ["NEW0001"] and [tuple(r) for r in runs] == [("cli", 1, True), ("cli", 1, False)]


def test_user_set_role(env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("user", "add", "tech1", "--role", "equipment")[0] == 0
    code, out = run("user", "set-role", "tech1", "--role", "investigator")
    assert code == 0 and "tech1 is now investigator" in out  # data roles need TOTP: set up with a one-time password
    assert re.search(r"needs an authenticator; one-time password \(give it in person\): \S{12,}", out)
    code, out = run("user", "set-role", "tech1", "--role", "investigator")
    assert code == 1 and "already has the role investigator" in out
    code, out = run("user", "set-role", "ghost", "--role", "officer")
    assert code == 1 and "no user named 'ghost'" in out


def test_user_email_for_notices(env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run("user", "add", "sgt1", "--role", "supervisor", "--email", "sgt1 @town")
    assert code == 1 and "is not one e-mail address" in out, out
    assert run("user", "add", "sgt1", "--role", "supervisor", "--email", "sgt1@town.gov")[0] == 0
    code, out = run("user", "set-email", "sgt1", "north.desk@town.gov")
    assert code == 0 and "sgt1: notices to north.desk@town.gov" in out, out
    code, out = run("user", "set-email", "ghost", "a@b.gov")
    assert code == 1 and "no user named 'ghost'" in out
    engine = make_engine(env)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM users WHERE username = 'sgt1'")).scalar() == "north.desk@town.gov"
        events = conn.execute(text("SELECT detail FROM security_events WHERE event = 'email_changed'")).scalars().all()
    engine.dispose()
    assert events == ["e-mail set"]
    code, out = run("user", "set-email", "sgt1", "")
    assert code == 0 and "sgt1: no notices by e-mail" in out
