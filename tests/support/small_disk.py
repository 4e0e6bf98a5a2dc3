"""A real filesystem of its own (tmpfs) that a test fills up, as a unit's disk fills in an outage (needs `mount`)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class SmallDisk:
    path: Path

    @property
    def filler(self) -> Path:
        return self.path / "filler"

    def fill(self) -> None:
        """Take every free byte (down to the last one a write can get)."""
        with self.filler.open("ab", buffering=0) as fh:
            for size in (1 << 20, 1 << 14, 1 << 10, 64, 1):
                try:
                    while True:
                        fh.write(b"\0" * size)
                        os.fsync(fh.fileno())
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
        assert os.statvfs(self.path).f_bavail == 0

    def free(self) -> None:
        self.filler.unlink()


@contextmanager
def small_disk(tmp_path: Path, kib: int = 4096) -> Iterator[SmallDisk]:
    """A `kib` KiB filesystem mounted in `tmp_path`; the test is skipped where this user may not mount one."""
    point = tmp_path / "disk"
    point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kib}k,mode=0700", "tmpfs", str(point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"a filesystem of its own to fill needs `mount` (root): {done.stderr.strip()}")
    try:
        yield SmallDisk(point)
    finally:
        subprocess.run(["umount", "--lazy", str(point)], check=True)
