"""The systemd service files in deploy/ run commands the CLI really has, with options it really takes: a renamed
option must not leave a department's install broken at the next boot."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
from typer.main import get_command

from platewatch.cli.main import app

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def exec_lines(path: Path) -> list[list[str]]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text().replace("\\\n", " "))
    service = parser["Service"]
    return [shlex.split(service[key]) for key in ("ExecStartPre", "ExecStart") if key in service]


def options_of(words: list[str]) -> tuple[list[str], set[str]]:
    """(the subcommand path, the long options the command takes) for `platewatch SUB... --opt ...`."""
    command = get_command(app)
    path: list[str] = []
    for word in words[1:]:
        sub = getattr(command, "commands", {}).get(word)
        if sub is None:
            break
        command, path = sub, [*path, word]
    names = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts) if opt.startswith("--")}
    return path, names


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("*.service")), ids=lambda p: p.name)
def test_each_service_runs_a_real_command_with_real_options(path: Path) -> None:
    lines = exec_lines(path)
    assert lines, f"{path.name} has no ExecStart"
    for words in lines:
        assert words[0].endswith("/.venv/bin/platewatch"), words[0]
        subcommand, known = options_of(words)
        assert subcommand, f"{path.name}: {words[1]!r} is not a platewatch command"
        used = {w.split("=", 1)[0] for w in words if w.startswith("--")}
        assert used <= known, f"{path.name}: {sorted(used - known)} not options of platewatch {' '.join(subcommand)}"


def test_there_are_service_files_for_the_server_and_the_unit() -> None:
    assert {p.name for p in DEPLOY.glob("*.service")} >= {"platewatch-server.service", "platewatch-unit.service"}


def test_each_timer_starts_a_service_that_exists() -> None:
    timers = sorted(DEPLOY.glob("*.timer"))
    assert [t.name for t in timers] == ["platewatch-backup.timer"]
    for timer in timers:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read_string(timer.read_text())
        unit = parser["Timer"].get("Unit", timer.name.replace(".timer", ".service"))
        assert (DEPLOY / unit).is_file(), f"{timer.name} starts {unit}, which deploy/systemd lacks"
        assert parser["Timer"]["Persistent"] == "true"  # a day the machine was off still gets its backup
