"""CPU seconds of the processes a benchmark measures: its own, and the process trees it started (from /proc)."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user + system CPU ticks of the process and of its children it has waited for), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of the process `root` and of every process below it, live or ended (an ended process's time is
    in its parent's cutime/cstime once waited for). Only the trees this benchmark started: other PostgreSQL or
    Python processes on the machine are not counted. In clock ticks (1/100 s on Linux)."""
    stats = {pid: st for pid in map(int, filter(str.isdigit, os.listdir("/proc"))) if (st := _stat(pid))}
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """User + system CPU seconds of this process, all its threads, not its children (to the microsecond)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def postmaster_pid(url: str) -> int:
    """The PostgreSQL server's postmaster: the parent of this connection's backend (the cluster is on this machine)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        backend = int(conn.scalar(text("SELECT pg_backend_pid()")) or 0)
        parent = _stat(backend)
    engine.dispose()
    if parent is None:
        raise RuntimeError("the PostgreSQL server is not on this machine: its CPU cannot be counted")
    return parent[0]


@dataclass
class Spent:
    """Wall-clock seconds of a measured block and CPU seconds per process tree, filled in when it ends."""

    wall: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)


@dataclass
class Trees:
    """The processes whose CPU is counted, by name: the root of a tree this benchmark started, or this process's own
    pid, which counts this process alone (a server it started is a root of its own, not counted twice)."""

    roots: dict[str, int]

    def sample(self) -> dict[str, float]:
        """CPU seconds so far of each named process tree."""
        me = os.getpid()
        return {name: own_cpu_seconds() if pid == me else tree_cpu_seconds(pid) for name, pid in self.roots.items()}

    @contextmanager
    def spending(self) -> Iterator[Spent]:
        """Wall and CPU seconds of the block. This process's own reading of /proc, a few ms, is left out of its
        CPU: the other trees are read before its own CPU at the start and after it at the end."""
        me = os.getpid()
        others = {name: pid for name, pid in self.roots.items() if pid != me}
        own = [name for name, pid in self.roots.items() if pid == me]
        spent = Spent()
        before = {name: tree_cpu_seconds(pid) for name, pid in others.items()}
        own0, t0 = own_cpu_seconds(), time.perf_counter()
        yield spent
        spent.wall, own1 = time.perf_counter() - t0, own_cpu_seconds()
        after = {name: tree_cpu_seconds(pid) for name, pid in others.items()}
        spent.cpu = {name: own1 - own0 for name in own} | {name: after[name] - before[name] for name in others}
