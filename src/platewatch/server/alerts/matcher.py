"""The server's matcher: an index of the current hot-list snapshot, rebuilt when the version changes."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session

from platewatch.domain.hotlists import is_active
from platewatch.domain.matching import ListedEntry
from platewatch.server.hotlists import service as hotlists
from platewatch.server.hotlists.batch_index import ListIndex


@dataclass(frozen=True)
class LoadedIndex:
    version: int
    index: ListIndex
    covert_lists: frozenset[int]
    exact_only_lists: frozenset[int]
    version_created_at: dt.datetime


class Matcher:
    """Thread-safe cache of one index; `current(db)` costs one `max(id)` query when nothing changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: LoadedIndex | None = None

    def current(self, db: Session, now: dt.datetime) -> LoadedIndex:
        version = hotlists.current_version_id(db) or 0
        loaded = self._loaded
        if loaded is not None and loaded.version == version:
            return loaded
        with self._lock:
            if self._loaded is not None and self._loaded.version == version:
                return self._loaded
            snap = hotlists.snapshot(db, version)
            today = now.date()
            listed = [
                ListedEntry(s.entry, str(s.hotlist_id), snap.lists[s.hotlist_id].priority, s.row_id)
                for s in snap.entries
                if is_active(s.entry, today)
            ]
            covert = frozenset(h.id for h in snap.lists.values() if h.covert)
            exact_only = frozenset(h.id for h in snap.lists.values() if not h.approximate)
            index = ListIndex(listed, exact_only={str(i) for i in exact_only})
            self._loaded = LoadedIndex(version, index, covert, exact_only, snap.created_at)
            return self._loaded
