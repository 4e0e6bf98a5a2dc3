"""Issue 23: an ingest matches each batch's reads against the hot list in one call of the matcher, not read by read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import pytest

from platewatch.domain.matching import Hit
from platewatch.domain.roles import Role
from platewatch.server.hotlists.batch_index import ListIndex
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer, read_payload

LISTED = ("7XYZ890", "4KLM123")


@pytest.mark.parametrize("body", ["json", "msgpack"])
def test_a_batch_of_reads_is_matched_in_one_call(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    actors = Actors(server)
    hotlist = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.ADMINISTRATOR) as c:
        for plate in LISTED:
            entry = {"purpose": "stolen vehicle, case 2026-4100", "plate": plate, "state": "CT", "category": "bolo"}
            assert c.post(f"/api/v1/hotlists/{hotlist['id']}/entries", json=entry).status_code == 201
    calls: list[int] = []
    match = ListIndex.match

    def counted(self: ListIndex, reads: Sequence[tuple[Sequence[str], str | None]], *args: Any) -> list[list[Hit]]:
        calls.append(len(reads))
        return match(self, reads, *args)

    monkeypatch.setattr(ListIndex, "match", counted)  # the test server runs in this process (uvicorn in a thread)
    plates = ["ABC1234", LISTED[0], "DEF5678", "GHJ9012", LISTED[1], "KLM3456"]
    reads = [read_payload(p, server.clock.now, seed=i, images=False) for i, p in enumerate(plates)]
    with server.client(server.add_unit()) as c:
        if body == "json":
            r = c.post("/api/v1/reads", json={"reads": reads})
        else:
            encoded = msgspec.msgpack.encode({"reads": reads})
            r = c.post("/api/v1/reads", content=encoded, headers={"Content-Type": "application/msgpack"})
    assert r.status_code == 200, r.text
    assert calls == [len(plates)]
    with actors.client(Role.OFFICER) as c:
        alerts = c.get("/api/v1/alerts").json()["alerts"]
    assert sorted(a["read"]["plate"] for a in alerts) == sorted(LISTED)
