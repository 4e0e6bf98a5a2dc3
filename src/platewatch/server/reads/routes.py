"""Ingest routes for units: PlateWatch batches and OpenALPR/Rekor agent messages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from sqlalchemy.orm import Session

from platewatch.domain.matching import StateRule
from platewatch.server.alerts.service import ReadForMatching, raise_alerts
from platewatch.server.deps import AppState, DbDep, NowDep, StateDep, UnitDep
from platewatch.server.json_body import json_body
from platewatch.server.reads import openalpr, service
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.schemas import IngestResult, ReadBatch, ReadCreate
from platewatch.server.unit_status import service as unit_status

router = APIRouter(prefix="/api/v1", tags=["ingest"])
read_batch, READ_BATCH_OPENAPI = json_body(ReadBatch)
ReadBatchBody = Annotated[ReadBatch, Depends(read_batch)]


def _match(db: Session, state: AppState, reads: list[ReadCreate], stored: list[uuid.UUID], at: dt.datetime) -> None:
    """Compare every newly stored read with the current hot list (whatever version the unit had)."""
    new = set(stored)
    if not new:
        return
    loaded = state.matcher.current(db, at)
    if loaded.index.size == 0:
        return
    candidates = (
        ReadForMatching(r.id, r.plate, tuple(c.plate for c in r.candidates), r.state) for r in reads if r.id in new
    )
    raise_alerts(db, candidates, loaded, at, state_rule=StateRule(state.settings.hotlist_state_rule))


@router.post(
    "/reads",
    response_model=IngestResult,
    summary="Upload a batch of reads (idempotent by read id; all-or-nothing)",
    description=(
        "Up to 1,000 reads. The batch is validated whole: if any read is invalid the response is 422 "
        "naming each read index and field, and nothing is stored. Reads whose id is already stored "
        "are listed in `already_stored` and not stored again."
    ),
    openapi_extra=READ_BATCH_OPENAPI,
)
# The unit is authenticated before its body is parsed (dependencies resolve in parameter order).
def ingest_reads(unit: UnitDep, batch: ReadBatchBody, db: DbDep, at: NowDep, state: StateDep) -> IngestResult:
    s = state.settings
    images = service.prepare(batch.reads, at, s.image_max_bytes, s.retention_days)
    outcome = service.ingest(db, unit, batch.reads, images, ImageStore(s.image_dir), at)
    _match(db, state, batch.reads, outcome.stored, at)
    unit_status.touch(db, unit, at, reads_captured=[r.captured_at for r in batch.reads])
    db.commit()
    return IngestResult(received=len(batch.reads), stored=outcome.stored, already_stored=outcome.already_stored)


@router.post(
    "/openalpr",
    response_model=IngestResult,
    summary="Accept an OpenALPR/Rekor `alpr_group` or `alpr_results` message as agents send it",
)
def ingest_openalpr(unit: UnitDep, db: DbDep, at: NowDep, state: StateDep, message: Any = Body(...)) -> IngestResult:
    s = state.settings
    reads, attrs, kind = openalpr.to_reads(message)
    images = service.prepare(reads, at, s.image_max_bytes, s.retention_days)
    outcome = service.ingest(db, unit, reads, images, ImageStore(s.image_dir), at, kind[:16], attrs)
    _match(db, state, reads, outcome.stored, at)
    unit_status.touch(db, unit, at, reads_captured=[r.captured_at for r in reads])
    db.commit()
    return IngestResult(received=len(reads), stored=outcome.stored, already_stored=outcome.already_stored)
