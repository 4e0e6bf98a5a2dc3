"""PostgreSQL hot standbys (`PLATEWATCH_DATABASE_REPLICA_URLS`): sessions on the freshest one for searches, maps,
exports and reports, each standby asked how far behind it is at most once a second (issue 23 item 5, ADR 0021)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from platewatch.domain.replicas import ON_PRIMARY, Served, Standby, choose
from platewatch.server.db.engine import make_engine, make_sessionmaker

log = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0
"""How long a standby's answer stands before it is asked again."""
DOWN_FOR_S = 5.0
"""How long a standby that did not answer is left alone before it is tried again."""
CONNECT_TIMEOUT_S = 3
"""A standby that does not take a connection within this is down for this request (its URL's own value wins)."""

LAG = text(
    """SELECT pg_is_in_recovery(),
              (SELECT status FROM pg_stat_wal_receiver) = 'streaming',
              CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0
                   ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END"""
)
"""A standby's view of itself: in recovery, its WAL receiver streaming, and its lag: nothing when it has replayed all
it received, else the age of the last transaction it replayed (NULL when it has replayed none since it started).
`pg_stat_wal_receiver.status` needs `pg_read_all_stats` (docs/operations.md); without it the standby reads as not
streaming and is never used, which is the safe side."""


@dataclass
class _Replica:
    name: str
    engine: Engine
    sessions: sessionmaker[Session]
    state: Standby
    checked_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


def ask(name: str, engine: Engine) -> Standby:
    """What the standby says now; down when it does not answer."""
    try:
        with engine.connect() as conn:
            in_recovery, streaming, lag = conn.execute(LAG).one()
    except Exception as exc:  # refused, timed out, gone mid-answer: all mean it cannot serve now
        log.warning("standby %s did not answer: %s", name, type(exc).__name__)
        return Standby(name, up=False, streaming=False, lag_seconds=0.0)
    if not in_recovery:  # promoted: a second primary is not a copy of ours
        return Standby(name, up=True, streaming=False, lag_seconds=0.0)
    return Standby(name, up=True, streaming=bool(streaming), lag_seconds=float("inf") if lag is None else float(lag))


class Replicas:
    """The standbys of one primary, and which of them serves the next request."""

    def __init__(
        self, urls: Sequence[str], max_lag_seconds: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_lag_seconds = max_lag_seconds
        self._monotonic = monotonic
        self._turn = 0
        self._replicas: list[_Replica] = []
        for number, url in enumerate(urls, start=1):
            parsed = make_url(url)
            if "connect_timeout" not in parsed.query:
                parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
            engine = make_engine(parsed.render_as_string(hide_password=False))
            unknown = Standby(f"replica {number}", up=False, streaming=False, lag_seconds=0.0)
            self._replicas.append(_Replica(unknown.name, engine, make_sessionmaker(engine), unknown))

    def __bool__(self) -> bool:
        return bool(self._replicas)

    def _fresh_state(self, replica: _Replica) -> Standby:
        now = self._monotonic()
        wait = DOWN_FOR_S if not replica.state.up else CHECK_EVERY_S
        if now - replica.checked_at < wait:
            return replica.state
        with replica.lock:
            if self._monotonic() - replica.checked_at >= wait:  # another thread may have asked meanwhile
                replica.state = ask(replica.name, replica.engine)
                replica.checked_at = self._monotonic()
            return replica.state

    def session(self) -> tuple[Session | None, Served]:
        """A session on the standby that serves this request, and how it is told; (None, served by the primary)
        when there are none or every one is skipped: the caller then reads from the primary."""
        if not self._replicas:
            return None, ON_PRIMARY
        states = [self._fresh_state(r) for r in self._replicas]
        self._turn += 1
        index, served = choose(states, self.max_lag_seconds, self._turn)
        if index is None:
            return None, served
        return self._replicas[index].sessions(), served

    def lost(self, name: str) -> None:
        """The standby `name` failed while answering: down until it is asked again."""
        for replica in self._replicas:
            if replica.name == name:
                replica.state = Standby(name, up=False, streaming=False, lag_seconds=0.0)
                replica.checked_at = self._monotonic()

    def forget(self) -> None:
        """Ask every standby again at the next request (after a failover, or in tests)."""
        for replica in self._replicas:
            replica.checked_at = float("-inf")

    def dispose(self) -> None:
        for replica in self._replicas:
            replica.engine.dispose()
