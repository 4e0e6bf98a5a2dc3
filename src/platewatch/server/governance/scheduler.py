"""The server's own purge, every `purge_every_minutes` (started and stopped with the app)."""

from __future__ import annotations

import asyncio
import logging

from platewatch.domain.retention import RetentionPolicy
from platewatch.server.deps import AppState
from platewatch.server.governance.retention import purge
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
