"""The unit's hot list: a snapshot checked against its hash, and passes matched against it."""

from __future__ import annotations

from typing import Any

import pytest

from platewatch.domain.hotlists import Category, HotListEntry, snapshot_hash
from platewatch.engine.types import Candidate, PlateRead
from platewatch.unit.hotlist import HotListError, UnitHotList, entry_from_json
from platewatch.unit.tracker import FrameRead, VehiclePass, vote


def entry_json(list_id: int, plate: str, state: str | None = "CT", category: str = "stolen_vehicle") -> dict[str, Any]:
    return {
        "hotlist_id": list_id, "plate": plate, "state": state, "category": category, "nic": "V123456789",
        "ori": "CT0012300", "case_number": "", "vehicle": {"year": "2019", "make": "HOND", "model": "CIV",
        "style": "4D", "colour": "BLK"}, "plate_year": "", "plate_type": "", "effective": None,
        "expires": "2027-01-31", "description": "", "purpose": "", "owner": "import",
        "added_at": "2026-11-30T08:00:00Z",
    }  # fmt: skip


def snapshot(entries: list[dict[str, Any]], approximate: int = 1) -> dict[str, Any]:
    items = [entry_from_json(e) for e in entries]
    lists = {
        "1": {"name": "NCIC", "category": "stolen_vehicle", "priority": 1, "approximate": approximate},
        "2": {"name": "BOLO", "category": "bolo", "priority": 4, "approximate": 1},
    }
    return {"version": 7, "full": True, "content_hash": snapshot_hash(items), "entries": entries, "lists": lists}


def a_pass(text: str, *others: str, state: str | None = "CT") -> VehiclePass:
    cands = (Candidate(text, 0.8), *(Candidate(o, 0.1) for o in others))
    read = PlateRead(text, 0.8, (0, 0, 100, 50), 0.9, (0.9,) * len(text), cands, state, 0.9 if state else None)
    return vote([FrameRead(0, 0.0, read)])


def test_snapshot_hash_ignores_order_and_sees_every_field() -> None:
    a, b = HotListEntry("ABC1234", "CT"), HotListEntry("XYZ999", None, Category.AMBER)
    assert snapshot_hash([(1, a), (2, b)]) == snapshot_hash([(2, b), (1, a)])
    assert snapshot_hash([(1, a), (2, b)]) != snapshot_hash([(1, a), (1, b)])  # the list matters
    assert snapshot_hash([(1, a)]) != snapshot_hash([(1, HotListEntry("ABC1234", "NY"))])


def test_a_snapshot_becomes_an_index_of_its_version() -> None:
    hotlist = UnitHotList.from_snapshot(snapshot([entry_json(1, "6ZR4117"), entry_json(2, "KID2026", None, "amber")]))
    assert (hotlist.version, hotlist.index.size) == (7, 2)
    (hit,) = hotlist.match(a_pass("6ZR4117"))
    assert hit.is_exact and hotlist.describe(hit) == "NCIC: stolen_vehicle 6ZR4117 (CT), exact match of the top read"
    (hit,) = hotlist.match(a_pass("KIDZ026", "K1D2026"))  # a look-alike in a candidate
    assert not hit.is_exact and hotlist.describe(hit).startswith("BOLO: amber KID2026, look-alike characters")
    assert hotlist.match(a_pass("QQQ111")) == []


def test_a_list_without_approximate_matches_hits_only_exactly() -> None:
    hotlist = UnitHotList.from_snapshot(snapshot([entry_json(1, "6ZR4117")], approximate=0))
    assert hotlist.match(a_pass("6ZR41I7")) == []
    assert len(hotlist.match(a_pass("6ZR4117"))) == 1


def test_a_snapshot_that_is_not_the_servers_is_refused() -> None:
    snap = snapshot([entry_json(1, "6ZR4117")])
    snap["entries"][0]["plate"] = "6ZR4118"  # changed on the way
    with pytest.raises(HotListError, match="do not match its hash"):
        UnitHotList.from_snapshot(snap)
    with pytest.raises(HotListError, match="a delta needs"):
        UnitHotList.from_snapshot({**snapshot([]), "full": False})
    with pytest.raises(HotListError, match="cannot read"):
        UnitHotList.from_snapshot(snapshot([]) | {"entries": [{"plate": "X"}]})


def delta(
    since: int, version: int, added: list[dict[str, Any]], removed: list[dict[str, Any]], whole: list[Any]
) -> dict[str, Any]:
    full = snapshot(whole)
    return {**full, "version": version, "full": False, "since": since, "entries": added, "removed": removed}


def test_a_delta_takes_the_copy_to_the_next_version() -> None:
    a, b, c = entry_json(1, "ABC1234"), entry_json(2, "XYZ999", state=None), entry_json(1, "8TRK455")
    v7 = UnitHotList.from_snapshot(snapshot([a, b]))
    v8 = v7.apply(delta(7, 8, [c], [b], [a, c]))
    assert v8.version == 8 and v8.index.size == 2 and v8.content_hash == snapshot([a, c])["content_hash"]
    assert [h.listed.entry.plate for h in v8.match(a_pass("8TRK455"))] == ["8TRK455"]
    assert v8.match(a_pass("XYZ999", state=None)) == []
    assert v7.index.size == 2 and v7.match(a_pass("XYZ999", state=None))  # the old copy is untouched


def test_a_delta_that_does_not_fit_the_copy_is_refused() -> None:
    a, b, c = entry_json(1, "ABC1234"), entry_json(2, "XYZ999", state=None), entry_json(1, "8TRK455")
    v7 = UnitHotList.from_snapshot(snapshot([a, b]))
    with pytest.raises(HotListError, match="from version 6 does not apply to version 7"):
        v7.apply(delta(6, 8, [c], [], [a, b, c]))
    with pytest.raises(HotListError, match="do not match its hash"):  # an entry removed on the server, not here
        v7.apply(delta(7, 8, [c], [], [a, c]))
    assert v7.apply({**snapshot([c]), "version": 9}).index.size == 1  # a full answer replaces the copy
