"""The unit's copy of the hot list: the server's snapshot, checked against its hash, as a match index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle, snapshot_hash
from platewatch.domain.matching import Hit, HotListIndex, ListedEntry
from platewatch.engine.types import PlateRead
from platewatch.unit.tracker import VehiclePass


class HotListError(ValueError):
    """A snapshot the unit cannot use (malformed, or not what the server's hash says); the message says why."""


def entry_from_json(data: Mapping[str, Any]) -> tuple[int, HotListEntry]:
    """(list id, entry) from one entry of the server's snapshot JSON."""
    try:
        vehicle = Vehicle(**{k: str(v) for k, v in data.get("vehicle", {}).items()})
        entry = HotListEntry(
            plate=str(data["plate"]),
            state=data.get("state"),
            category=Category(data["category"]),
            nic=str(data.get("nic", "")),
            ori=str(data.get("ori", "")),
            case_number=str(data.get("case_number", "")),
            vehicle=vehicle,
            plate_year=str(data.get("plate_year", "")),
            plate_type=str(data.get("plate_type", "")),
            effective=dt.date.fromisoformat(data["effective"]) if data.get("effective") else None,
            expires=dt.date.fromisoformat(data["expires"]) if data.get("expires") else None,
            description=str(data.get("description", "")),
            purpose=str(data.get("purpose", "")),
        )
        return int(data["hotlist_id"]), entry
    except (KeyError, TypeError, ValueError) as exc:
        raise HotListError(f"a hot-list entry the unit cannot read: {exc!r}") from exc


@dataclass(frozen=True)
class UnitHotList:
    """The hot list as of one server version: what the unit compares its reads with, and names in each read."""

    version: int
    content_hash: str
    lists: Mapping[int, Mapping[str, Any]]
    index: HotListIndex
    items: tuple[tuple[int, HotListEntry], ...] = ()
    """(list id, entry) of every entry: what a delta is applied to."""
    created_at: dt.datetime | None = None
    """When the server made this version: the officer is warned when the list is more than 24 hours old."""

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> UnitHotList:
        """A full snapshot (`GET /api/v1/unit/hotlist`), refused unless its entries hash to its `content_hash`."""
        if not snapshot.get("full", False):
            raise HotListError("a delta needs the unit's previous copy: ask for the full hot list")
        return cls._checked(snapshot, [entry_from_json(e) for e in snapshot.get("entries", [])])

    def apply(self, delta: Mapping[str, Any]) -> UnitHotList:
        """The next version from a delta (`?since=` this version): its removed entries out, its added ones in,
        and the result refused unless it hashes to the server's `content_hash` for the whole new list."""
        if delta.get("full", False):
            return UnitHotList.from_snapshot(delta)
        if delta.get("since") != self.version:
            raise HotListError(f"a delta from version {delta.get('since')} does not apply to version {self.version}")
        removed = {entry_from_json(e) for e in delta.get("removed", [])}
        kept = [item for item in self.items if item not in removed]
        return UnitHotList._checked(delta, kept + [entry_from_json(e) for e in delta.get("entries", [])])

    @classmethod
    def _checked(cls, snapshot: Mapping[str, Any], items: list[tuple[int, HotListEntry]]) -> UnitHotList:
        digest = snapshot_hash(items)
        if digest != snapshot.get("content_hash"):
            raise HotListError(f"hot list version {snapshot.get('version')}: its entries do not match its hash")
        lists = {int(k): v for k, v in snapshot.get("lists", {}).items()}
        listed = [
            ListedEntry(entry, str(list_id), int(lists.get(list_id, {}).get("priority", 5)), ref=list_id)
            for list_id, entry in items
        ]
        created = snapshot.get("created_at")
        try:
            created_at = dt.datetime.fromisoformat(str(created)) if created else None
        except ValueError as exc:
            raise HotListError(f"hot list version {snapshot.get('version')}: bad created_at {created!r}") from exc
        if created_at is not None and created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=dt.UTC)
        return cls(int(snapshot["version"]), digest, lists, HotListIndex(listed), tuple(items), created_at)

    def match(self, vehicle_pass: VehiclePass | PlateRead) -> list[Hit]:
        """Hits of a pass or of one frame's read (its reading first, then its other candidates), best first;
        lists that do not take approximate matches only hit exactly."""
        text = vehicle_pass.text
        texts = [text] + [c.text for c in vehicle_pass.candidates if c.text != text]
        hits = self.index.match(texts, vehicle_pass.state)
        return [h for h in hits if h.is_exact or self.lists.get(h.listed.ref, {}).get("approximate", 1)]

    def list_name(self, list_id: int) -> str:
        return str(self.lists.get(list_id, {}).get("name", f"list {list_id}"))

    def describe(self, hit: Hit) -> str:
        """One line for the officer: the list, the category, the listed plate and why it matched."""
        listed = hit.listed.entry
        name = self.list_name(hit.listed.ref)
        where = f" ({listed.state})" if listed.state else ""
        return f"{name}: {listed.category.value} {listed.plate}{where}, {hit.reason}"
