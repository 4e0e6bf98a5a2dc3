"""`platewatch unit check`, as IT runs it in the car after installing: against a real server on 127.0.0.1, a
recorded video as the camera, a GPS receiver over TCP; each problem named on its own line, nothing created."""

from __future__ import annotations

import datetime as dt
import re
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from platewatch.cli.main import app
from platewatch.unit.outbox import Outbox
from tests.engine.conftest import write_approach_video
from tests.support.live_server import LiveServer, free_port, read_payload
from tests.unit.test_gps import NORTH_10
from tests.unit.test_gps_feed import serve_nmea

runner = CliRunner()


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_approach_video(tmp_path_factory.mktemp("checkvideo") / "camera.avi", "6ZR4117")


def token_file(tmp_path: Path, token: str, mode: int = 0o600) -> Path:
    path = tmp_path / "unit.token"
    path.write_text(token + "\n")
    path.chmod(mode)
    return path


def lines(output: str) -> dict[str, str]:
    """Each check's line, by its name: `ok    name: detail` or `FAIL  name: detail`."""
    found = {}
    for line in output.splitlines():
        status, _, rest = line.partition("  ")
        name, _, detail = rest.strip().partition(": ")
        if status in ("ok", "FAIL"):
            found[name] = f"{status}: {detail}"
    return found


def test_a_unit_in_good_order_passes_every_check(server: LiveServer, video: Path, tmp_path: Path) -> None:
    car = tmp_path / "car"
    car.mkdir()
    tokens = token_file(car, server.add_unit("car-12"))
    outbox = car / "outbox.db"
    with Outbox(outbox) as box:
        waiting, refused = read_payload("6ZR4117"), read_payload("7AB1234")
        box.put(waiting)
        box.put(refused)
        box.reject(refused["id"], "bad image")
    before = outbox.read_bytes()
    gps_port, receiver = serve_nmea([NORTH_10] * 40, connections=1)
    env = car / "unit.env"
    settings = {
        "CAMERA": video,
        "SERVER": server.url,
        "GPS": f"tcp://127.0.0.1:{gps_port}",
        "SCREEN": f"127.0.0.1:{free_port()}",
        "IGNORE": "0.6,0.9,0.4,0.1",  # the recording's clock
        "DETECTOR_SIZE": "800",  # a slower car computer
    }
    env.write_text(
        "# as deploy/install.sh writes it\n" + "".join(f"PLATEWATCH_UNIT_{k}={v}\n" for k, v in settings.items())
    )
    server.clock.now = dt.datetime.now(dt.UTC)
    result = runner.invoke(
        app, ["unit", "check", "--env-file", str(env), "--token-file", str(tokens), "--outbox", str(outbox)]
    )
    receiver.join(timeout=5)
    assert result.exit_code == 0, result.output
    found = lines(result.stdout)
    assert list(found) == [
        "token file", "server", "clock", "outbox", "camera", "ignored parts", "recognition", "GPS", "screen"
    ]  # fmt: skip
    assert all(v.startswith("ok: ") for v in found.values()), found
    assert found["server"] == f"ok: {server.url} knows this unit as car-12 (mobile, Car 12)"
    assert found["camera"] == f"ok: {video} gives 1280×720 frames"
    assert found["ignored parts"] == "ok: 0.6,0.9,0.4,0.1 (x,y,w,h of the frame): no plate is looked for there"
    assert found["outbox"].startswith(f"ok: {outbox}: 1 read waiting, 1 refused by the server;")
    shape = r"ok: the models run: (\d+) ms for a camera frame, (\d+) frames a second \((.*)\)"
    said = re.fullmatch(shape, found["recognition"])
    assert said is not None, found["recognition"]
    ms, rate = int(said[1]), int(said[2])
    assert 1000 / (ms + 0.5) - 0.5 <= rate <= 1000 / max(0.5, ms - 0.5) + 0.5  # both rounded from one median
    assert said[3] == "one thread, the detector at 800 px"
    assert found["GPS"].startswith(f"ok: tcp://127.0.0.1:{gps_port} gives positions")
    assert outbox.read_bytes() == before and sorted(p.name for p in car.iterdir()) == [
        "outbox.db",
        "unit.env",
        "unit.token",
    ]  # read, never written: no WAL or journal left beside it
    assert "pwu_" not in result.output  # the token is never printed


def test_each_problem_is_named_and_nothing_is_created(server: LiveServer, tmp_path: Path) -> None:
    tokens = token_file(tmp_path, server.add_unit("car-7"), mode=0o644)
    not_video = tmp_path / "camera.avi"
    not_video.write_text("not a video")
    server.clock.now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)  # the unit's clock 10 minutes behind
    silent_gps = socket.create_server(("127.0.0.1", 0))  # accepts, never speaks
    taken = socket.create_server(("127.0.0.1", 0))
    gps_port, taken_port = silent_gps.getsockname()[1], taken.getsockname()[1]
    with silent_gps, taken:
        args = [
            "unit", "check", str(not_video), "--server", server.url, "--token-file", str(tokens),
            "--outbox", str(tmp_path / "missing" / "outbox.db"), "--gps", f"tcp://127.0.0.1:{gps_port}",
            "--screen", f"127.0.0.1:{taken_port}", "--wait", "1",
        ]  # fmt: skip
        result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    found = lines(result.stdout)
    assert found["token file"] == f"FAIL: {tokens} is readable by others (mode 644): `chmod 600 {tokens}`"
    assert found["server"].startswith("ok: ")  # a loose token still works: only the file is wrong
    assert re.match(r"FAIL: the unit's clock is (10 min|9 min 59 s) behind the server's", found["clock"])
    assert found["camera"] == f"FAIL: cannot open the camera or video {not_video}"
    assert found["outbox"] == f"FAIL: the folder {tmp_path / 'missing'} does not exist"
    assert found["recognition"] == "ok: the models load and run (no camera frame to time)"
    assert (
        found["GPS"] == f"FAIL: no position from tcp://127.0.0.1:{gps_port} in 1 s (is the receiver on, with sky view?)"
    )
    assert found["screen"].startswith(f"FAIL: 127.0.0.1:{taken_port} is taken")
    assert not (tmp_path / "missing").exists()


def test_a_refused_token_and_an_unreachable_server_are_told_apart(
    server: LiveServer, video: Path, tmp_path: Path
) -> None:
    tokens = token_file(tmp_path, "pwu_" + "x" * 40)
    common = [str(video), "--token-file", str(tokens), "--outbox", str(tmp_path / "outbox.db"), "--screen", "off"]
    refused = runner.invoke(app, ["unit", "check", *common, "--server", server.url])
    assert refused.exit_code == 1
    server_line = lines(refused.stdout)["server"]
    assert server_line.startswith("FAIL: the server refuses the unit's token:"), server_line
    assert "clock" not in lines(refused.stdout)  # nothing to compare with
    down = f"http://127.0.0.1:{free_port()}"
    unreachable = runner.invoke(app, ["unit", "check", *common, "--server", down])
    assert lines(unreachable.stdout)["server"].startswith(f"FAIL: cannot reach {down}: ConnectError")
    assert lines(unreachable.stdout)["screen"] == "ok: off (a unit without an officer)"
    assert lines(unreachable.stdout)["GPS"] == "ok: none set: reads will have no position"


def test_missing_settings_exit_2(tmp_path: Path) -> None:
    tokens = token_file(tmp_path, "pwu_" + "x" * 40)
    no_server = runner.invoke(app, ["unit", "check", "0", "--token-file", str(tokens)])
    assert no_server.exit_code == 2
    assert "give the server (arguments, or PLATEWATCH_UNIT_CAMERA/SERVER in --env-file)" in no_server.output
    no_file = runner.invoke(app, ["unit", "check", "--env-file", str(tmp_path / "unit.env")])
    assert no_file.exit_code == 2 and f"no settings file {tmp_path / 'unit.env'}" in no_file.output


def test_a_bad_ignored_part_is_named(video: Path, tmp_path: Path) -> None:
    tokens = token_file(tmp_path, "pwu_" + "x" * 40)
    env = tmp_path / "unit.env"
    env.write_text(f"PLATEWATCH_UNIT_CAMERA={video}\nPLATEWATCH_UNIT_SERVER=http://127.0.0.1:{free_port()}\n")
    env.write_text(env.read_text() + "PLATEWATCH_UNIT_IGNORE=0.6,0.9,0.4,0.1;0.5,0.5,0.6\n")
    args = ["unit", "check", "--env-file", str(env), "--token-file", str(tokens), "--screen", "off"]
    result = runner.invoke(app, [*args, "--outbox", str(tmp_path / "outbox.db")])
    assert result.exit_code == 1
    assert lines(result.stdout)["ignored parts"] == (
        "FAIL: PLATEWATCH_UNIT_IGNORE '0.5,0.5,0.6': an ignore region is x,y,w,h "
        "(four fractions of the frame, e.g. 0.6,0.9,0.4,0.1)"
    )


def test_a_bad_detector_size_is_named(video: Path, tmp_path: Path) -> None:
    tokens = token_file(tmp_path, "pwu_" + "x" * 40)
    env = tmp_path / "unit.env"
    env.write_text(f"PLATEWATCH_UNIT_CAMERA={video}\nPLATEWATCH_UNIT_DETECTOR_SIZE=200\n")
    result = runner.invoke(app, ["unit", "check", "--env-file", str(env), "--token-file", str(tokens)])
    assert result.exit_code == 2
    assert "detector_size" in result.output and "greater than or equal to 320" in result.output
