"""Retention rules of the order (V.D.3-4): what a purge may delete, and which hot-list versions must stay."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ORDER_RETENTION_DAYS = 14
"""The order's retention period (V.D.3): a longer one needs a legal authority recorded in the configuration."""


def authority_problem(days: int, authority: str) -> str | None:
    """Why a retention period of `days` cannot run with this recorded `authority` (None: it can). Up to the order's 14
    days none is needed; above it the legal authority that requires the longer period must be written down."""
    if days > ORDER_RETENTION_DAYS and not authority.strip():
        return (
            f"a retention period of {days} days is longer than the order's {ORDER_RETENTION_DAYS} (V.D.3): record the "
            "legal authority that requires it (e.g. a statute or court order) in PLATEWATCH_RETENTION_AUTHORITY"
        )
    return None


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Reads are kept at most `days` from their capture (V.D.3), unless a legal hold preserves them (V.D.4)."""

    days: int = 14

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError(f"retention must be at least 1 day, not {self.days}")

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """Reads captured before this instant are expired."""
        if now.tzinfo is None:
            raise ValueError("now needs a time zone")
        return now - dt.timedelta(days=self.days)

    def expired(self, captured_at: dt.datetime, now: dt.datetime, held: bool) -> bool:
        """True when a read may be purged: older than the retention period and under no active hold."""
        return not held and captured_at < self.cutoff(now)

    def backup_expired(self, created_at: dt.datetime, now: dt.datetime) -> bool:
        """True when a backup must go: every read in it is now past the retention period (a read under a legal hold
        stays in the live store, so no backup is needed to keep it)."""
        return created_at < self.cutoff(now)


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One immutable version of one hot list: its id is also the global version number (see hot lists)."""

    id: int
    hotlist_id: int
    created_at: dt.datetime


def versions_in_force(global_version: int, by_list: Mapping[int, Sequence[int]]) -> set[int]:
    """The list versions a read compared against global version V saw: for every list, its newest version
    with id ≤ V (lists created after V contribute nothing). `by_list` holds each list's version ids sorted."""
    seen: set[int] = set()
    for ids in by_list.values():
        k = bisect.bisect_right(ids, global_version)
        if k:
            seen.add(ids[k - 1])
    return seen


def purgeable_versions(
    versions: Iterable[ListVersion],
    kept_read_versions: Iterable[int],
    kept_alert_versions: Iterable[int],
    cutoff: dt.datetime,
) -> set[int]:
    """Hot-list versions a purge may delete (V.D.3: hot lists are kept as long as the reads compared against
    them). A version stays when it is its list's newest, when a kept read was compared against a global
    version in which it was in force, when a kept alert names it, or when it was replaced after `cutoff` (a
    unit that was offline may still upload reads compared against it)."""
    by_list: dict[int, list[ListVersion]] = {}
    for v in versions:
        by_list.setdefault(v.hotlist_id, []).append(v)
    ids_by_list = {k: sorted(x.id for x in vs) for k, vs in by_list.items()}
    needed = set(kept_alert_versions)
    for g in set(kept_read_versions):
        needed |= versions_in_force(g, ids_by_list)
    out: set[int] = set()
    for vs in by_list.values():
        vs.sort(key=lambda x: x.id)
        for older, newer in itertools.pairwise(vs):
            if older.id not in needed and newer.created_at < cutoff:
                out.add(older.id)
    return out


@dataclass(frozen=True, slots=True)
class HoldScope:
    """What a legal hold placed by plate covers: reads of that plate (canonical form: its look-alikes too) captured
    in an optional window, as the hold was placed at `placed_at`."""

    plate_canonical: str
    captured_from: dt.datetime | None
    captured_to: dt.datetime | None
    placed_at: dt.datetime

    def catches_late_read(self, plate_canonical: str, captured_at: dt.datetime) -> bool:
        """A read stored after the hold was placed (a unit out of contact uploads it later) is held when it is of
        the hold's plate, in its window, and was captured *before the hold was placed*: evidence that existed when
        the hold was ordered. A read captured afterwards never is: a hold preserves evidence (V.D.4), it does not
        follow a plate past the retention period (V.D.3)."""
        end = self.placed_at if self.captured_to is None else min(self.captured_to, self.placed_at)
        after_start = self.captured_from is None or captured_at >= self.captured_from
        return plate_canonical == self.plate_canonical and after_start and captured_at < end


@dataclass(frozen=True, slots=True)
class ListUse:
    """What still needs a hot list's versions (V.D.3): kept alerts on it, and kept reads compared against one of its
    versions that held entries; of each, how many a legal hold preserves (V.D.4)."""

    active: bool
    alerts: int = 0
    held_alerts: int = 0
    reads: int = 0
    held_reads: int = 0


def reads_needing_list(list_versions: Sequence[tuple[int, int]], read_versions: Iterable[int]) -> list[int]:
    """The global versions among `read_versions` in which one of a list's versions with entries was in force: a read
    compared against such a version needs the list kept. `list_versions` is the list's (version id, entry count)
    pairs sorted by id; a read's global version V saw the list's newest version with id ≤ V (none before its first;
    an empty version, such as the one that retires a list, gives it nothing to keep)."""
    ids = [v for v, _ in list_versions]
    out = []
    for g in read_versions:
        k = bisect.bisect_right(ids, g)
        if k and list_versions[k - 1][1] > 0:
            out.append(g)
    return out


def deletion_refusal(name: str, use: ListUse) -> str | None:
    """Why the hot list `name` cannot be deleted (None: it can). An active list is retired first (units hold it and
    report hits against it); a retired one stays while a kept alert names it or a kept read was compared against
    its entries (V.D.3: hot lists are kept as long as their reads), held ones included (V.D.4)."""
    if use.active:
        return f"{name!r} is in use: retire it first (units hold it and may still report hits against it)"
    needs = []
    if use.alerts:
        held = f", {use.held_alerts} of them on reads under a legal hold" if use.held_alerts else ""
        needs.append(f"{use.alerts} kept alert(s) name its entries{held}")
    if use.reads:
        held = f", {use.held_reads} of them under a legal hold" if use.held_reads else ""
        needs.append(f"{use.reads} kept read(s) were compared against its entries{held}")
    if needs:
        after = "the holds are released and " if use.held_alerts or use.held_reads else ""
        return (
            f"{name!r} must be kept: {'; '.join(needs)} (order V.D.3: a hot list is kept as long as the reads and "
            f"alerts that refer to it); it can be deleted once {after}the purge has removed them"
        )
    return None
