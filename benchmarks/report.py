"""Write a named section of docs/benchmarks.md, keeping the other sections as they are."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import re
import subprocess
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\nMeasured by `make bench` (see each section for the exact command). Machines are noisy: "
    "compare\nratios measured in one run, not figures from different days.\n"
)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pg = ""
    with contextlib.suppress(OSError):
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, {system}, Python {platform.python_version()}, {pg}"


def load_1min() -> float:
    """The machine's 1-minute load average now."""
    return os.getloadavg()[0]


def machine_load() -> str:
    """The 1-minute load average and the number of CPUs, for the report."""
    return f"{load_1min():.1f} on {os.cpu_count()} CPUs"


def load_span(before: float) -> str:
    """The 1-minute load average from `before` (taken with `load_1min`) to now: `0.8 → 1.3 on 2 CPUs`."""
    return f"{before:.1f} → {machine_load()}"


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section between `<!-- name:start -->` and `<!-- name:end -->`."""
    text = DOC.read_text() if DOC.exists() else HEADER
    stamp = f"_{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {machine()}_\n\n"
    block = f"<!-- {name}:start -->\n{stamp}{body.strip()}\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)
