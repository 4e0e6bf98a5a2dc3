"""Urgent hot-list entries reach the units at once (order V.C.1) against a real server on 127.0.0.1: a unit on patrol
that checks its list every 5 minutes gets an AMBER entry on the answer to its next upload, while an ordinary entry waits
for the check. The delay is measured and printed (`-s`); the bound asserted is only that it beat the 5-minute poll."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from platewatch.domain.roles import Role
from platewatch.unit.outbox import Outbox
from platewatch.unit.sync import ServerSync
from tests.server.test_hotlists_api import Actors, make_list
from tests.support.live_server import LiveServer, read_payload
from tests.unit.test_sync import wait_until

PURPOSE = "child abduction, AMBER alert 26-0042"


def test_an_amber_entry_reaches_a_unit_on_its_next_upload_not_its_next_check(
    server: LiveServer, tmp_path: Path
) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    amber = make_list(actors, name="AMBER", source="manual", category="amber")
    token, outbox = server.add_unit("car-5"), tmp_path / "outbox.db"
    with Outbox(outbox):
        pass
    patrolling = threading.Event()

    def patrol() -> None:  # the car reads plates as it drives: a read in the outbox every 0.3 s
        with Outbox(outbox) as box:
            seed = 0
            while not patrolling.wait(0.3):
                seed += 1
                box.put(read_payload(f"PTL{seed:04d}", server.clock.now, seed=seed))

    with ServerSync(outbox, server.url, token, upload_every=0.5, hotlist_every=300) as sync:
        first = sync.wait_for_hotlist()
        assert first is not None and first.index.size == 0
        feeder = threading.Thread(target=patrol)
        feeder.start()
        try:
            with actors.client(Role.SUPERVISOR) as c:
                entry = {"plate": "BOL0001", "purpose": "robbery suspect vehicle, case 26-300"}
                assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
            assert not wait_until(lambda: sync.hotlist is not None and sync.hotlist.index.size > 0, seconds=3)
            with actors.client(Role.SUPERVISOR) as c:
                added = time.monotonic()
                entry = {"plate": "AMB4242", "purpose": PURPOSE, "category": "amber"}
                assert c.post(f"/api/v1/hotlists/{amber['id']}/entries", json=entry).status_code == 201
            assert wait_until(lambda: sync.hotlist is not None and sync.hotlist.index.size == 2, seconds=60)
            delay = time.monotonic() - added
        finally:
            patrolling.set()
            feeder.join()
    assert sync.hotlist is not None
    assert sorted(e.plate for _, e in sync.hotlist.items) == ["AMB4242", "BOL0001"]  # the whole current list
    print(f"AMBER entry on the unit {delay:.2f} s after it was added (uploads every 0.5 s, list checks every 300 s)")
    assert delay < 60  # not the 5-minute check
