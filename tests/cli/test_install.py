"""`deploy/install.sh`, staged under a folder with --root as a packager would: a non-editable install that works away
from the checkout (every file of the package installed, the models and web pages included), settings written once
and kept on upgrade, and service files whose variables the settings define."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest

from tests.support.live_server import first_answer, free_port

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "deploy" / "install.sh"


def install(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INSTALL), *args], capture_output=True, text=True, timeout=900, cwd="/", check=False
    )


def env_file(path: Path, root: Path) -> dict[str, str]:
    """KEY=VALUE lines of a settings file, with its absolute paths moved under the staging root."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            for folder in ("/var/lib/platewatch", "/var/backups/platewatch"):
                value = value.replace(folder, str(root / folder.lstrip("/")))
            values[key] = value
    return values


def package_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_bad_arguments_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    result = install("--root", str(tmp_path / "root"))
    assert result.returncode == 2 and "server, unit or both" in result.stderr
    result = install("--root", str(tmp_path / "root"), "kiosk")
    assert result.returncode == 2 and "unknown role or option: kiosk" in result.stderr
    result = install("server", "--root")
    assert result.returncode == 2 and "--root needs a folder" in result.stderr
    assert not (tmp_path / "root").exists()


@pytest.mark.slow
def test_a_staged_install_runs_away_from_the_checkout_and_an_upgrade_keeps_the_settings(tmp_path: Path) -> None:
    root = tmp_path / "root"
    first = install("--root", str(root), "server")
    assert first.returncode == 0, first.stdout + first.stderr
    venv = root / "opt" / "platewatch" / ".venv"
    etc = root / "etc" / "platewatch"
    assert f"wrote {etc / 'server.env'}" in first.stdout and "systemctl enable --now platewatch-server" in first.stdout

    (installed,) = venv.glob("lib/python3*/site-packages/platewatch")
    assert package_files(installed) == package_files(REPO / "src" / "platewatch")  # not editable, nothing left out
    assert stat.S_IMODE((etc / "server.env").stat().st_mode) == 0o640
    assert stat.S_IMODE(etc.stat().st_mode) == 0o750
    assert stat.S_IMODE((root / "srv" / "hotlists").stat().st_mode) == 0o2770
    services = root / "etc" / "systemd" / "system"
    assert {p.name for p in services.iterdir()} == {
        "platewatch-server.service",
        "platewatch-hotlist-watch.service",
        "platewatch-backup.service",
        "platewatch-backup.timer",
    }
    assert stat.S_IMODE((root / "var" / "backups" / "platewatch").stat().st_mode) == 0o750

    # The installed command, from outside the checkout, with the written settings (paths under the staging root).
    settings = env_file(etc / "server.env", root)
    (root / "var" / "lib" / "platewatch").mkdir(parents=True, exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PLATEWATCH_")} | settings
    platewatch = str(venv / "bin" / "platewatch")
    upgrade = subprocess.run([platewatch, "db", "upgrade"], env=environ, cwd=tmp_path, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    assert (root / "var" / "lib" / "platewatch" / "platewatch.db").exists()
    backup = subprocess.run([platewatch, "backup", "create"], env=environ, cwd=tmp_path, capture_output=True, text=True)
    assert backup.returncode == 0 and "0 reads, 0 images" in backup.stdout, backup.stdout + backup.stderr
    checked = subprocess.run([platewatch, "check"], env=environ, cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0 and "FAIL" not in checked.stdout, checked.stdout + checked.stderr
    blank = tmp_path / "empty-street.png"
    cv2.imwrite(str(blank), np.full((480, 640, 3), 90, np.uint8))
    recognized = subprocess.run(
        [platewatch, "recognize", str(blank), "--format", "jsonl"], env=environ, cwd=tmp_path, capture_output=True
    )
    assert recognized.returncode == 0, recognized.stderr  # the packaged models load
    port = free_port()
    server = subprocess.Popen(
        [platewatch, "server", "--no-migrate"],
        env=environ | {"PLATEWATCH_PORT": str(port)},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = first_answer(f"http://127.0.0.1:{port}/login", server, 60)
        assert page.status_code == 200 and "Log in" in page.text
        assert httpx.get(f"http://127.0.0.1:{port}/static/leaflet/leaflet.min.js", timeout=5).status_code == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "First administrator created" in output

    # An upgrade adding the unit: the department's edited settings stay, the unit's are written once.
    edited = (etc / "server.env").read_text() + "PLATEWATCH_AGENCY_NAME=Town of Example Police\n"
    (etc / "server.env").write_text(edited)
    second = install("--root", str(root), "server", "unit")
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"kept {etc / 'server.env'}" in second.stdout and f"wrote {etc / 'unit.env'}" in second.stdout
    assert (etc / "server.env").read_text() == edited
    assert "platewatch unit add NAME" in second.stdout
    for service in services.glob("*.service"):
        assert service.read_text() == (REPO / "deploy" / "systemd" / service.name).read_text()
        text = service.read_text()
        defined: set[str] = set()
        for name in re.findall(r"^EnvironmentFile=/etc/platewatch/(\S+)$", text, re.M):
            defined |= set(env_file(etc / name, root))
        used = set(re.findall(r"\$\{(\w+)\}", text))
        assert used <= defined, f"{service.name} uses {sorted(used - defined)}, which its settings do not define"
    assert "PLATEWATCH_UNIT_CAMERA" in env_file(etc / "unit.env", root)
