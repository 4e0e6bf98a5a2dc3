"""The live alert feed never holds the server (issue 22): its database queries wait in a worker thread, so with ten
streams open and their queries waiting on a lock, the health check still answers at once; each stream then gets the
next alert."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from platewatch.domain.roles import Role
from platewatch.server.db.engine import make_engine
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import LiveServer, read_payload

STREAMS = 10
HOLD_S = 15.0
"""How long the test holds the lock the streams' queries wait on: a health check blocked behind them takes this long."""
ANSWER_S = 5.0
"""A generous bound for one health check on a loaded machine, well under HOLD_S."""


@contextmanager
def alerts_locked(database_url: str) -> Iterator[None]:
    """Hold what a query of the alerts waits on: SQLite's write lock (every PlateWatch transaction begins IMMEDIATE),
    PostgreSQL's table lock."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn, conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def test_health_answers_while_ten_alert_streams_wait_on_the_database(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.SUPERVISOR) as c:
        entry = {"plate": "FEED123", "purpose": "shots fired, suspect vehicle"}
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
    token = actors.token(Role.SUPERVISOR)
    connected = [threading.Event() for _ in range(STREAMS)]
    received: list[list[str]] = [[] for _ in range(STREAMS)]

    def listen(i: int) -> None:
        with (
            server.client(token) as c,
            c.stream("GET", "/api/v1/alerts/stream", params={"after": 0, "seconds": 60}, timeout=90) as r,
        ):
            for line in r.iter_lines():
                if line.startswith(": connected"):
                    connected[i].set()
                if line.startswith("data: "):
                    received[i].append(json.loads(line[6:])["read"]["plate"])
                    return

    listeners = [threading.Thread(target=listen, args=(i,), daemon=True) for i in range(STREAMS)]
    for t in listeners:
        t.start()
    assert all(e.wait(30) for e in connected)

    answers: list[tuple[int, float]] = []
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with alerts_locked(server.settings.database_url):
            locked.set()
            release.wait(HOLD_S)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert locked.wait(10)
    time.sleep(2.5)  # every stream has polled since: each query waits on the lock
    with server.client() as c:
        for _ in range(5):
            started = time.monotonic()
            r = c.get("/api/v1/health", timeout=HOLD_S * 3)
            answers.append((r.status_code, time.monotonic() - started))
    release.set()
    holder.join(30)

    assert [status for status, _ in answers] == [200] * 5
    slowest = max(seconds for _, seconds in answers)
    assert slowest < ANSWER_S, f"the health check waited {slowest:.1f} s behind the alert streams"

    ingest(server, server.add_unit(), read_payload("FEED123", server.clock.now))  # ingest goes on, and is fed
    for t in listeners:
        t.join(45)
    assert received == [["FEED123"]] * STREAMS
