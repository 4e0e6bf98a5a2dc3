"""`platewatch unit replay` and `unit upload` against a real server on 127.0.0.1: a recorded video's plate
arrives as one read with its images, through an outage too."""

from __future__ import annotations

import datetime as dt
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from platewatch.cli.main import app
from platewatch.domain.roles import Role
from platewatch.server.reads.models import Read
from platewatch.unit.demo import DEMO_PLATES, DEMO_ROUTE_START, demo_track
from platewatch.unit.gps import Fix, distance_m
from tests.engine.conftest import write_approach_video
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer, free_port
from tests.unit.test_gps import NORTH_10, NORTH_350
from tests.unit.test_gps_feed import serve_nmea

runner = CliRunner()


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_approach_video(tmp_path_factory.mktemp("unitvideo") / "patrol.avi", "6ZR4117")


def token_file(server: LiveServer, tmp_path: Path) -> Path:
    path = tmp_path / "unit.token"
    path.write_text(server.add_unit() + "\n")
    return path


def test_a_replayed_video_arrives_as_one_read_with_its_images(server: LiveServer, video: Path, tmp_path: Path) -> None:
    start = (server.clock.now - dt.timedelta(minutes=5)).replace(microsecond=0)
    args = ["unit", "replay", str(video), "--server", server.url, "--token-file", str(token_file(server, tmp_path))]
    result = runner.invoke(
        app, [*args, "--camera", "rear", "--outbox", str(tmp_path / "outbox.db"), "--start", start.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "1 vehicle pass queued, 0 hot-list hits; 1 delivered, 0 rejected, 0 waiting in the outbox" in result.stdout
    with server.db() as db:
        (read,) = db.scalars(select(Read)).all()
    assert (read.plate, read.camera) == ("6ZR4117", "rear")
    assert read.plate_image and read.vehicle_image
    assert len(server.image_files()) == 2
    offset = read.captured_at.replace(tzinfo=dt.UTC) - start
    assert dt.timedelta(0) <= offset <= dt.timedelta(milliseconds=500)  # the best of frames 0-5 at 10 a second


def test_reads_wait_through_an_outage_then_upload(server: LiveServer, video: Path, tmp_path: Path) -> None:
    tokens = str(token_file(server, tmp_path))
    outbox = str(tmp_path / "outbox.db")
    down = f"http://127.0.0.1:{free_port()}"
    start = (server.clock.now - dt.timedelta(minutes=5)).isoformat()
    result = runner.invoke(
        app,
        ["unit", "replay", str(video), "--server", down, "--token-file", tokens, "--outbox", outbox, "--start", start],
    )
    assert result.exit_code == 1
    assert "0 delivered, 0 rejected, 1 waiting in the outbox (server unreachable" in result.stdout
    assert server.count(Read) == 0
    result = runner.invoke(app, ["unit", "upload", "--server", server.url, "--token-file", tokens, "--outbox", outbox])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 delivered, 0 rejected, 0 waiting in the outbox"
    assert server.count(Read) == 1


def test_a_replay_looks_for_no_plate_in_the_ignored_parts_of_the_view(
    server: LiveServer, video: Path, tmp_path: Path
) -> None:
    args = ["unit", "replay", str(video), "--server", server.url, "--token-file", str(token_file(server, tmp_path))]
    over_plate = ["--ignore", "0.35,0.35,0.4,0.45"]  # where the approaching plate is in every frame
    result = runner.invoke(app, [*args, "--outbox", str(tmp_path / "outbox.db"), *over_plate])
    assert result.exit_code == 0, result.output
    assert "0 vehicle passes queued, 0 hot-list hits" in result.stdout
    assert server.count(Read) == 0


def test_bad_inputs_are_named(tmp_path: Path, video: Path) -> None:
    empty = tmp_path / "empty.token"
    empty.write_text("\n")
    cases = [
        (["--token-file", str(tmp_path / "missing.token")], "cannot read the token file"),
        (["--token-file", str(empty)], "must hold one API token"),
    ]
    for extra, message in cases:
        result = runner.invoke(app, ["unit", "replay", str(video), "--server", "http://127.0.0.1:1", *extra])
        assert result.exit_code == 2 and message in result.stderr, result.output
    good = tmp_path / "good.token"
    good.write_text("pwu_x")
    common = ["--server", "http://127.0.0.1:1", "--token-file", str(good), "--outbox", str(tmp_path / "o.db")]
    result = runner.invoke(app, ["unit", "replay", str(video), *common, "--start", "2026-11-30T08:00:00"])
    assert result.exit_code == 2 and "--start needs a time zone" in result.stderr
    result = runner.invoke(app, ["unit", "replay", str(tmp_path / "none.mp4"), *common])
    assert result.exit_code == 2 and "video file not found" in result.stderr
    (tmp_path / "void.nmea").write_text("$GPRMC,080002.00,V,,N,,E,0.0,0.0,301126,0.0,,N,*79\n")
    result = runner.invoke(app, ["unit", "replay", str(video), *common, "--nmea", str(tmp_path / "void.nmea")])
    assert result.exit_code == 2 and "void.nmea holds no valid RMC position fix" in result.stderr
    result = runner.invoke(app, ["unit", "replay", str(video), *common, "--ignore", "0.5"])
    assert result.exit_code == 2 and "error: --ignore '0.5': an ignore region is x,y,w,h" in result.stderr
    assert not (tmp_path / "o.db").exists()  # refused before anything was written
    result = runner.invoke(app, ["unit", "upload", *common[:4], "--outbox", str(tmp_path / "nothing.db")])
    assert result.exit_code == 2 and "no outbox at" in result.stderr


def test_a_replay_with_the_cars_gps_log_places_each_read(server: LiveServer, video: Path, tmp_path: Path) -> None:
    log = demo_track(tmp_path / "drive.nmea", dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), speed_kmh=36.0)
    start = (server.clock.now - dt.timedelta(minutes=5)).replace(microsecond=0)
    args = ["unit", "replay", str(video), "--server", server.url, "--token-file", str(token_file(server, tmp_path))]
    extra = ["--outbox", str(tmp_path / "outbox.db"), "--start", start.isoformat(), "--nmea", str(log)]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    with server.db() as db:
        (read,) = db.scalars(select(Read)).all()
    # The log is replayed from the video's first frame: the car was 10 m/s × the best frame's offset up the road.
    offset = (read.captured_at.replace(tzinfo=dt.UTC) - start).total_seconds()
    assert read.latitude is not None and read.longitude is not None
    moved = distance_m(Fix(start, *DEMO_ROUTE_START), Fix(start, read.latitude, read.longitude))
    assert moved == pytest.approx(10.0 * offset, abs=0.05)
    assert read.heading == 5.0


def test_the_demo_recording_reads_back_as_its_cars(tmp_path: Path) -> None:
    out = tmp_path / "demo" / "patrol.avi"
    result = runner.invoke(app, ["unit", "demo-video", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["recognize-video", str(out), "--format", "table"])
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.startswith("video\t")
    assert [line.split("\t")[2].split()[0] for line in rows] == list(DEMO_PLATES)


def test_a_listed_plate_hits_on_the_unit_against_the_servers_hot_list(
    server: LiveServer, video: Path, tmp_path: Path
) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    purpose = {"purpose": "burglary suspect vehicle, case 2026-1180", "plate": "6ZR4117"}
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=purpose).status_code == 201
    unit_token = token_file(server, tmp_path)
    with server.client(unit_token.read_text().strip()) as c:
        version = c.get("/api/v1/unit/hotlist").json()["version"]
    start = (server.clock.now - dt.timedelta(minutes=5)).isoformat()
    args = ["--server", server.url, "--token-file", str(unit_token), "--outbox", str(tmp_path / "o.db")]
    result = runner.invoke(app, ["unit", "replay", str(video), *args, "--start", start])
    assert result.exit_code == 0, result.output
    assert "HIT 6ZR4117 at frame" in result.stdout and "BOLO: bolo 6ZR4117, exact match" in result.stdout
    assert "1 vehicle pass queued, 1 hot-list hit;" in result.stdout
    assert f"hot list version {version}: 1 plate\n" in result.stderr
    with server.db() as db:
        (read,) = db.scalars(select(Read)).all()
    assert read.hotlist_version == version  # the read says which list it was compared with


def test_without_a_hot_list_the_reads_still_go(server: LiveServer, video: Path, tmp_path: Path) -> None:
    # The unit's token is refused for the hot list and the upload alike: the reads wait, the unit says why.
    bad = tmp_path / "bad.token"
    bad.write_text("pwu_revoked")
    args = ["--server", server.url, "--token-file", str(bad), "--outbox", str(tmp_path / "o.db")]
    result = runner.invoke(app, ["unit", "replay", str(video), *args])
    assert result.exit_code == 1
    assert "warning: no hot list on the unit (hot list refused (401)" in result.stderr
    assert "1 waiting in the outbox" in result.stdout


def test_the_live_agent_reads_a_camera_alerts_and_uploads(server: LiveServer, video: Path, tmp_path: Path) -> None:
    # A video file played as a camera at its own frame rate: the agent's threads (camera, server sync) and
    # the hot list it fetched on start.
    actors = Actors(server)
    stolen = make_list(actors, name="Stolen", source="manual", category="stolen_vehicle")
    entry = {"purpose": "stolen vehicle, case 2026-2210", "plate": "6ZR4117", "category": "stolen_vehicle"}
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/hotlists/{stolen['id']}/entries", json=entry).status_code == 201
    log = demo_track(tmp_path / "drive.nmea", dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC))
    args = ["unit", "run", str(video), "--server", server.url, "--token-file", str(token_file(server, tmp_path))]
    result = runner.invoke(app, [*args, "--outbox", str(tmp_path / "o.db"), "--nmea", str(log), "--camera", "dash"])
    assert result.exit_code == 0, result.output
    assert "HIT 6ZR4117 at frame" in result.stdout and "Stolen: stolen_vehicle 6ZR4117, exact match" in result.stdout
    assert "1 vehicle pass queued, 1 hot-list hit; 1 delivered, 0 rejected, 0 waiting in the outbox" in result.stdout
    assert "hot list version" in result.stderr
    with server.db() as db:
        (read,) = db.scalars(select(Read)).all()
    assert (read.plate, read.camera) == ("6ZR4117", "dash")
    assert read.latitude is not None and read.hotlist_version is not None and read.plate_image


def test_the_live_agent_refuses_a_camera_it_cannot_open(tmp_path: Path) -> None:
    good = tmp_path / "good.token"
    good.write_text("pwu_x")
    args = ["--server", "http://127.0.0.1:1", "--token-file", str(good), "--outbox", str(tmp_path / "o.db")]
    result = runner.invoke(app, ["unit", "run", str(tmp_path / "none.mp4"), *args])
    assert result.exit_code == 2 and "cannot open the camera or video" in result.stderr
    assert not (tmp_path / "o.db").exists()


def test_the_live_agent_keeps_its_reads_through_an_outage(video: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.token"
    good.write_text("pwu_x")
    down = f"http://127.0.0.1:{free_port()}"
    args = ["--server", down, "--token-file", str(good), "--outbox", str(tmp_path / "o.db")]
    result = runner.invoke(app, ["unit", "run", str(video), *args])
    assert result.exit_code == 1, result.output
    assert "warning: no hot list on the unit (server unreachable" in result.stderr
    assert "1 vehicle pass queued, 0 hot-list hits; 0 delivered, 0 rejected, 1 waiting in the outbox" in result.stdout


def offline_run(video: Path, tmp_path: Path) -> list[str]:
    """`unit run` on the recording with a token, an outbox in `tmp_path` and no server to reach."""
    good = tmp_path / "good.token"
    good.write_text("pwu_x")
    down = f"http://127.0.0.1:{free_port()}"
    return ["unit", "run", str(video), "--server", down, "--token-file", str(good), "--outbox", str(tmp_path / "o.db")]


def test_the_live_agent_ignores_the_parts_of_the_view_its_settings_name(video: Path, tmp_path: Path) -> None:
    args = offline_run(video, tmp_path)
    wrong = runner.invoke(app, args, env={"PLATEWATCH_UNIT_IGNORE": "0.35,0.35,0.4"})
    assert wrong.exit_code == 2 and "error: PLATEWATCH_UNIT_IGNORE '0.35,0.35,0.4':" in wrong.stderr
    assert not (tmp_path / "o.db").exists()  # refused before the outbox was made
    over_plate = runner.invoke(app, args, env={"PLATEWATCH_UNIT_IGNORE": "0.6,0.9,0.4,0.1;0.35,0.35,0.4,0.45"})
    assert "0 vehicle passes queued" in over_plate.stdout, over_plate.output
    flag_first = runner.invoke(
        app, [*args, "--ignore", "0.6,0.9,0.4,0.1"], env={"PLATEWATCH_UNIT_IGNORE": "0.35,0.35,0.4,0.45"}
    )
    assert "1 vehicle pass queued" in flag_first.stdout, flag_first.output  # --ignore replaces the setting


def test_the_live_agent_places_reads_from_the_cars_receiver(server: LiveServer, video: Path, tmp_path: Path) -> None:
    # a fix every 50 ms for up to 20 s: the agent hangs up when it is done, however slowly the models load
    port, receiver = serve_nmea([NORTH_350, NORTH_10] * 200, connections=1)
    args = ["unit", "run", str(video), "--server", server.url, "--token-file", str(token_file(server, tmp_path))]
    result = runner.invoke(app, [*args, "--outbox", str(tmp_path / "o.db"), "--gps", f"tcp://127.0.0.1:{port}"])
    receiver.join(timeout=10)
    assert result.exit_code == 0, result.output
    with server.db() as db:
        (read,) = db.scalars(select(Read)).all()
    assert read.latitude == pytest.approx(41.1437, abs=2e-4) and read.longitude == pytest.approx(-73.4950, abs=2e-4)


def test_gps_options_are_checked_before_anything_runs(video: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.token"
    good.write_text("pwu_x")
    args = ["unit", "run", str(video), "--server", "http://127.0.0.1:1", "--token-file", str(good)]
    result = runner.invoke(app, [*args, "--gps", "/dev/ttyUSB0"])
    assert result.exit_code == 2 and "a GPS feed is tcp://host:port" in result.stderr
    log = demo_track(tmp_path / "drive.nmea", dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC))
    result = runner.invoke(app, [*args, "--gps", "tcp://127.0.0.1:9", "--nmea", str(log)])
    assert result.exit_code == 2 and "not both" in result.stderr


def test_the_alert_screen_is_served_on_loopback_only(server: LiveServer, video: Path, tmp_path: Path) -> None:
    tokens = tmp_path / "unit.token"
    tokens.write_text(server.add_unit() + "\n")
    args = ["unit", "run", str(video), "--server", server.url, "--token-file", str(tokens)]
    outbox = ["--outbox", str(tmp_path / "o.db")]
    refused = runner.invoke(app, [*args, *outbox, "--screen", "0.0.0.0:8089"])
    assert refused.exit_code == 2 and "loopback address only" in refused.stderr
    assert not (tmp_path / "o.db").exists()
    port = free_port()
    result = runner.invoke(app, [*args, *outbox, "--screen", f"127.0.0.1:{port}"])
    assert result.exit_code == 0, result.output
    assert f"the officer's alert screen: http://127.0.0.1:{port}/" in result.stderr


def test_a_demo_unit_plays_its_video_again_until_stopped(server: LiveServer, video: Path, tmp_path: Path) -> None:
    # `make run`'s demo unit: one agent that replays its recording every few seconds, so its alert screen and
    # server link stay up between plays; SIGTERM (the service stopping) ends it cleanly.
    exe = Path(sys.executable).with_name("platewatch")
    port = free_port()
    args = ["unit", "run", str(video), "--server", server.url, "--token-file", str(token_file(server, tmp_path)),
            "--outbox", str(tmp_path / "o.db"), "--screen", f"127.0.0.1:{port}", "--repeat", "1"]  # fmt: skip
    proc = subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while server.count(Read) < 2:  # the same car, once per play
            assert proc.poll() is None and time.monotonic() < deadline, "the agent stopped before a second play"
            time.sleep(0.2)
        screen = httpx.get(f"http://127.0.0.1:{port}/api/state", timeout=5)  # up between plays
        assert screen.status_code == 200 and screen.json()["hotlist"] is not None
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert re.search(r"frames read, \d+ skipped in [2-9] plays; [2-9] vehicle passes queued", out), out
    with server.db() as db:
        plates = db.scalars(select(Read.plate)).all()
    assert len(plates) >= 2 and set(plates) == {"6ZR4117"}
    # every read the agent delivered while it ran, not only those of its last upload at the stop
    assert f"; {len(plates)} delivered, 0 rejected, 0 waiting in the outbox" in out, out


def test_the_live_agent_runs_the_detector_at_the_size_its_settings_name(video: Path, tmp_path: Path) -> None:
    args = offline_run(video, tmp_path)
    wrong = runner.invoke(app, args, env={"PLATEWATCH_UNIT_DETECTOR_SIZE": "5000"})
    assert wrong.exit_code == 2 and "detector_size" in wrong.stderr and "less than or equal to 1920" in wrong.stderr
    assert not (tmp_path / "o.db").exists()  # refused before the outbox was made
    smaller = runner.invoke(app, args, env={"PLATEWATCH_UNIT_DETECTOR_SIZE": "640"})
    assert "1 vehicle pass queued" in smaller.stdout, smaller.output
    flag_first = runner.invoke(app, [*args, "--detector-size", "100"], env={"PLATEWATCH_UNIT_DETECTOR_SIZE": "640"})
    assert flag_first.exit_code == 2  # the flag replaces the setting, and is checked the same way
