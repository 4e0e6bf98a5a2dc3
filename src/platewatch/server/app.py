"""The FastAPI app factory: settings in, app out; no work at import time."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from platewatch import __version__
from platewatch.server import openapi_security
from platewatch.server.accounts.routes import router as accounts_router
from platewatch.server.alerts.matcher import Matcher
from platewatch.server.alerts.routes import router as alerts_router
from platewatch.server.areas.routes import router as areas_router
from platewatch.server.audits.routes import router as audits_router
from platewatch.server.data_requests.routes import router as data_requests_router
from platewatch.server.db import store_lock
from platewatch.server.db.base import utcnow
from platewatch.server.db.engine import answers, make_engine, make_sessionmaker
from platewatch.server.db.replicas import Replicas
from platewatch.server.deployments.routes import router as deployments_router
from platewatch.server.deps import SERVED, AppState, PublicDep, StateDep
from platewatch.server.equipment.routes import router as equipment_router
from platewatch.server.errors import ApiError, install_handlers
from platewatch.server.governance.routes import purge_router
from platewatch.server.governance.routes import router as holds_router
from platewatch.server.governance.scheduler import (
    anchor_forever,
    keep_store_lock_forever,
    notices_forever,
    partitions_forever,
    purge_forever,
)
from platewatch.server.hotlists.routes import router as hotlists_router
from platewatch.server.hotlists.routes import unit_router as hotlist_unit_router
from platewatch.server.http_guard import HttpGuard
from platewatch.server.inputs import refuse_control_characters
from platewatch.server.json_body import openapi_components
from platewatch.server.leas.routes import router as leas_router
from platewatch.server.maps.routes import router as maps_router
from platewatch.server.notices.routes import router as notices_router
from platewatch.server.querylog.routes import router as querylog_router
from platewatch.server.reads.routes import router as reads_router
from platewatch.server.reports.routes import router as reports_router
from platewatch.server.search.routes import router as search_router
from platewatch.server.served_by import ServedBy
from platewatch.server.settings import Settings
from platewatch.server.supervision.routes import command_router as commands_router
from platewatch.server.supervision.routes import router as assignments_router
from platewatch.server.training.routes import router as training_router
from platewatch.server.transparency.routes import router as transparency_router
from platewatch.server.unit_shifts.routes import router as unit_shifts_router
from platewatch.server.unit_status.routes import router as unit_status_router
from platewatch.server.web.area_pages import router as area_pages_router
from platewatch.server.web.audit_pages import router as audit_pages_router
from platewatch.server.web.deployment_pages import router as deployment_pages_router
from platewatch.server.web.equipment_pages import router as equipment_pages_router
from platewatch.server.web.hold_pages import router as hold_pages_router
from platewatch.server.web.hotlist_pages import router as hotlist_pages_router
from platewatch.server.web.leas_pages import router as leas_pages_router
from platewatch.server.web.map_pages import router as map_pages_router
from platewatch.server.web.notice_pages import router as notice_pages_router
from platewatch.server.web.people_pages import router as people_pages_router
from platewatch.server.web.report_pages import router as report_pages_router
from platewatch.server.web.request_pages import router as request_pages_router
from platewatch.server.web.routes import router as web_router
from platewatch.server.web.supervision_pages import router as supervision_pages_router
from platewatch.server.web.training_pages import router as training_pages_router
from platewatch.server.web.unit_pages import router as unit_pages_router

log = logging.getLogger(__name__)

health_router = APIRouter(tags=["health"])


@health_router.get(
    "/api/v1/health",
    summary="Health check for monitoring and load balancers (no data): 200 when the server runs and its database "
    "answers, 503 when the database does not",
    responses={503: {"description": "the database does not answer, or a restore took the store from this server"}},
)
def health(_: PublicDep, state: StateDep) -> dict[str, str]:
    if state.store.lost is not None:
        raise ApiError(503, "store_restored", state.store.lost)
    if not answers(state.engine):
        log.error("health check: the database does not answer")
        raise ApiError(503, "database_unavailable", "the server runs but its database does not answer")
    return {"status": "ok", "version": __version__, "database": "ok"}


ROUTERS: tuple[APIRouter, ...] = (
    health_router,
    accounts_router,
    reads_router,
    maps_router,  # before search: /reads/map is not /reads/{read_id}
    search_router,
    querylog_router,
    hotlists_router,
    hotlist_unit_router,
    unit_shifts_router,
    unit_status_router,
    alerts_router,
    areas_router,
    holds_router,
    purge_router,
    reports_router,
    equipment_router,
    deployments_router,
    training_router,
    audits_router,
    leas_router,
    notices_router,
    transparency_router,
    data_requests_router,
    assignments_router,
    commands_router,
    web_router,
    area_pages_router,
    hotlist_pages_router,
    leas_pages_router,
    notice_pages_router,
    hold_pages_router,
    report_pages_router,
    equipment_pages_router,
    map_pages_router,
    training_pages_router,
    audit_pages_router,
    unit_pages_router,
    deployment_pages_router,
    people_pages_router,
    request_pages_router,
    supervision_pages_router,
)


def api_routes() -> list[APIRoute]:
    """Every route the app serves, with its full path (tests enumerate this for RBAC and logging)."""
    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]


def create_app(
    settings: Settings,
    clock: Callable[[], dt.datetime] = utcnow,
    on_store_lost: Callable[[], None] | None = None,
) -> FastAPI:
    """The app; `on_store_lost` is called if a restore takes the store from under it (`AppState.on_store_lost`)."""
    engine = make_engine(settings.database_url)
    state = AppState(
        settings=settings,
        sessions=make_sessionmaker(engine),
        clock=clock,
        matcher=Matcher(),
        engine=engine,
        on_store_lost=on_store_lost,
        replicas=Replicas(settings.replica_urls, settings.replica_max_lag_seconds),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Held while serving, so that `backup restore` refuses to replace the store under this server.
        with store_lock.serving(settings.database_url) as holding:
            async with _background_tasks(state, holding):
                try:
                    yield
                finally:
                    state.replicas.dispose()

    # /docs from the package's own copy of Swagger UI, not a CDN; no /redoc (its bundle asks cdn.redoc.ly).
    app = FastAPIOffline(
        redoc_url=None,
        lifespan=lifespan,
        # No route gets a text with a control character (NUL, ESC, …): a 422 names the field (server.inputs).
        dependencies=[Depends(refuse_control_characters)],
        title="PlateWatch operations server",
        version=__version__,
        description="Reads, search and the Data Query Log of an LPR program (General Order 14-01-117).",
    )
    app.state.platewatch = state
    app.state.engine = engine
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    # Scripts and styles the pages need (Leaflet for the map), served from the package: no CDN, no internet.
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static")
    _describe_json_bodies(app)

    app.add_middleware(ServedBy, state_key=SERVED)
    app.add_middleware(HttpGuard, max_body_bytes=settings.request_max_bytes)
    return app


@asynccontextmanager
async def _background_tasks(state: AppState, holding: store_lock.Holding) -> AsyncIterator[None]:
    """The server's own jobs, running while it serves."""
    settings = state.settings
    tasks = [asyncio.create_task(keep_store_lock_forever(state, holding))]
    # The days ahead of `reads` on PostgreSQL (ADR 0019): an upload never meets a missing day.
    tasks.append(asyncio.create_task(partitions_forever(state)))
    # Retention (order V.D.3) is the server's own job, not a cron line someone may forget.
    if settings.purge_every_minutes > 0:
        tasks.append(asyncio.create_task(purge_forever(state)))
    # The query log's head, copied where the database's administrators cannot rewrite it (order V.D.9-10).
    if settings.querylog_anchor_file is not None:
        tasks.append(asyncio.create_task(anchor_forever(state)))
    # Notices that reach the people responsible instead of waiting for someone to look (order V.C.1).
    if settings.notice_check_minutes > 0:
        tasks.append(asyncio.create_task(notices_forever(state)))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task


def _describe_json_bodies(app: FastAPI) -> None:
    """Add the models of `json_body` routes to the OpenAPI document's components, and its security."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            document.setdefault("components", {}).setdefault("schemas", {}).update(openapi_components())
            openapi_security.describe(document, api_routes())
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_env() -> FastAPI:
    """The app with settings from the environment: the factory uvicorn's worker processes import. A worker whose
    store a restore takes ends itself as its supervisor would end it."""
    app = create_app(Settings(), on_store_lost=lambda: signal.raise_signal(signal.SIGTERM))
    # Everything built so far (modules, routes, models, mappers) lives as long as the process: frozen, it is no longer
    # walked by the collector's full passes that each ingest batch's objects set off (issue 23, ADR 0014).
    gc.freeze()
    return app
