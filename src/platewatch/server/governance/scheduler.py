"""The server's own recurring jobs, started and stopped with the app: the purge, every `purge_every_minutes`, the day
partitions of `reads` ahead (PostgreSQL), every `PARTITIONS_EVERY_MINUTES`, the query log's anchor, every
`querylog_anchor_minutes`, the store's lock, kept every `store_lock_check_seconds`, and the notices (order V.C.1),
every `notice_check_minutes`."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from platewatch.domain.retention import RetentionPolicy
from platewatch.server.db import store_lock
from platewatch.server.deps import AppState
from platewatch.server.governance.image_days import after_purge
from platewatch.server.governance.retention import purge
from platewatch.server.notices import service as notices
from platewatch.server.querylog.anchors import append_anchor
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.partitions import make_days

log = logging.getLogger(__name__)

PARTITIONS_EVERY_MINUTES = 60.0
"""How often the server makes the day partitions ahead (a week of them: a day missed is made on the next run)."""


def purge_once(state: AppState) -> None:
    """One purge by the server's clock; a failure is logged (by type: no plate data) and retried next time."""
    settings = state.settings
    if state.store.lost is not None:  # a restore took the store: not this server's any more
        return
    try:
        with state.sessions() as db:
            policy, tz = RetentionPolicy(settings.retention_days), ZoneInfo(settings.time_zone)
            store = ImageStore(settings.image_dir)
            purge(db, store, state.clock(), policy, "server", tz=tz)
        with state.sessions() as db:
            after_purge(db, store)  # the retired days' tables and files, outside the purge's locks (ADR 0023)
    except Exception as exc:
        log.error("purge failed (%s); next try in %s minutes", type(exc).__name__, settings.purge_every_minutes)


async def purge_forever(state: AppState) -> None:
    """Purge now, then every `purge_every_minutes`, in a worker thread so requests are not held up."""
    while True:
        await asyncio.to_thread(purge_once, state)
        await asyncio.sleep(state.settings.purge_every_minutes * 60)


def partitions_once(state: AppState) -> None:
    """Make the day partitions of `reads` that the next week needs (PostgreSQL; nothing on SQLite); a failure is
    logged and retried next time (meanwhile a read whose day is missing is stored in the default partition)."""
    if state.store.lost is not None:
        return
    try:
        with state.sessions() as db:
            make_days(db, state.clock())
            db.commit()
    except Exception as exc:
        log.error("day partitions not made (%s); next try in %s minutes", type(exc).__name__, PARTITIONS_EVERY_MINUTES)


async def partitions_forever(state: AppState) -> None:
    """Make the days ahead now, then every `PARTITIONS_EVERY_MINUTES`, in a worker thread."""
    while True:
        await asyncio.to_thread(partitions_once, state)
        await asyncio.sleep(PARTITIONS_EVERY_MINUTES * 60)


def anchor_once(state: AppState) -> None:
    """Append the query log's head to the anchor file; a failure is logged and retried next time."""
    settings = state.settings
    if settings.querylog_anchor_file is None or state.store.lost is not None:
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


def keep_store_lock_once(state: AppState, holding: store_lock.Holding) -> None:
    """Take the store's lock again if PostgreSQL dropped it (a restart); if a restore has taken it meanwhile, this
    server stops serving: the store it knew is being replaced."""
    if state.store.lost is not None:
        return
    try:
        if holding.keep():
            log.warning("the store's lock had been lost (PostgreSQL restarted?) and is held again")
    except store_lock.StoreInUse as exc:
        state.store.lost = f"this server stopped serving: {exc}"
        log.critical("%s", state.store.lost)
        if state.on_store_lost is not None:
            state.on_store_lost()
    except Exception as exc:
        log.error("the store's lock could not be checked (%s); next try in %s s", type(exc).__name__,
                  state.settings.store_lock_check_seconds)  # fmt: skip


async def keep_store_lock_forever(state: AppState, holding: store_lock.Holding) -> None:
    """Check the store's lock every `store_lock_check_seconds`, in a worker thread (it may wait on the network)."""
    while state.store.lost is None:
        await asyncio.sleep(state.settings.store_lock_check_seconds)
        await asyncio.to_thread(keep_store_lock_once, state, holding)


def notices_once(state: AppState) -> None:
    """One round of notices (order V.C.1); a failure is logged and retried next time."""
    if state.store.lost is not None:
        return
    try:
        with state.sessions() as db:
            notices.run_once(db, state.settings, state.clock())
    except Exception as exc:
        log.error(
            "notices failed (%s); next try in %s minutes", type(exc).__name__, state.settings.notice_check_minutes
        )


async def notices_forever(state: AppState) -> None:
    """Look for causes now, then every `notice_check_minutes`, in a worker thread (sending mail may wait)."""
    while True:
        await asyncio.to_thread(notices_once, state)
        await asyncio.sleep(state.settings.notice_check_minutes * 60)
