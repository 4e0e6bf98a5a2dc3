"""The server's own recurring jobs, started and stopped with the app: the purge, every `purge_every_minutes`, and
the query log's anchor, every `querylog_anchor_minutes`."""

from __future__ import annotations

import asyncio
import logging

from platewatch.domain.retention import RetentionPolicy
from platewatch.server.deps import AppState
from platewatch.server.governance.retention import purge
from platewatch.server.querylog.anchors import append_anchor
from platewatch.server.reads.imagestore import ImageStore

log = logging.getLogger(__name__)


def purge_once(state: AppState) -> None:
    """One purge by the server's clock; a failure is logged (by type: no plate data) and retried next time."""
    settings = state.settings
    try:
        with state.sessions() as db:
            purge(db, ImageStore(settings.image_dir), state.clock(), RetentionPolicy(settings.retention_days), "server")
    except Exception as exc:
        log.error("purge failed (%s); next try in %s minutes", type(exc).__name__, settings.purge_every_minutes)


async def purge_forever(state: AppState) -> None:
    """Purge now, then every `purge_every_minutes`, in a worker thread so requests are not held up."""
    while True:
        await asyncio.to_thread(purge_once, state)
        await asyncio.sleep(state.settings.purge_every_minutes * 60)


def anchor_once(state: AppState) -> None:
    """Append the query log's head to the anchor file; a failure is logged and retried next time."""
    settings = state.settings
    if settings.querylog_anchor_file is None:
        return
    try:
        with state.sessions() as db:
            append_anchor(db, settings.querylog_anchor_file, state.clock())
    except Exception as exc:
        log.error("query-log anchor failed (%s); next try in %s minutes", type(exc).__name__,
                  settings.querylog_anchor_minutes)  # fmt: skip


async def anchor_forever(state: AppState) -> None:
    """Anchor now, then every `querylog_anchor_minutes`, in a worker thread."""
    while True:
        await asyncio.to_thread(anchor_once, state)
        await asyncio.sleep(state.settings.querylog_anchor_minutes * 60)
