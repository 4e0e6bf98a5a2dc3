"""Ingest routes for units: PlateWatch batches and OpenALPR/Rekor agent messages."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from platewatch.domain.matching import StateRule
from platewatch.server.accounts.models import Unit
from platewatch.server.alerts.service import ReadForMatching, raise_alerts
from platewatch.server.deps import AppState, AuthenticatedUnit, DbDep, NowDep, StateDep, unit_said
from platewatch.server.errors import ApiError, validation_details
from platewatch.server.inputs import json_control_characters
from platewatch.server.json_body import check_text, json_body, validate
from platewatch.server.reads import fast_batch, openalpr, service
from platewatch.server.reads import frames as passes
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.schemas import READ_FIELDS, READ_FIELDS_HEADER, IncomingRead, IngestResult, ReadBatch
from platewatch.server.unit_status import service as unit_status

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["ingest"])
_, READ_BATCH_OPENAPI = json_body(ReadBatch)
READ_BATCH_OPENAPI["requestBody"]["content"][fast_batch.MSGPACK] = {
    "schema": {
        "type": "string",
        "format": "binary",
        "description": "The same batch as MessagePack, `plate_image` and `vehicle_image` as binary (the JPEG) rather "
        "than base64 text: what PlateWatch units send once the server's answer offers it (`Accept-Post`)",
    }
}
ACCEPT_POST = f"application/json, {fast_batch.MSGPACK}"


async def read_batch(request: Request) -> Sequence[IncomingRead]:
    """The batch's reads, read only once its unit is known (it comes after `IngestUnit`): decoded by msgspec when
    certainly valid, else validated by pydantic, whose 400 or 422 a refused batch gets (`fast_batch`, ADR 0014). JSON,
    or MessagePack with binary images (ADR 0022)."""
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == fast_batch.MSGPACK:
        fast = fast_batch.decode_msgpack(body)  # texts checked by `_certain`: a plate, camera, state of known form
        if fast is not None:
            return fast
        as_json = fast_batch.msgpack_as_json(body)
        if as_json is None:
            raise ApiError(400, "malformed_msgpack", "request body is not a MessagePack map with text keys")
        body = as_json
    check_text(body)
    fast = fast_batch.decode(body)
    return fast if fast is not None else validate(ReadBatch, body).reads


ReadBatchBody = Annotated[Sequence[IncomingRead], Depends(read_batch)]


def refusal_reason(exc: ApiError | RequestValidationError) -> str:
    """A refused request's status, code and the fields named: never a message, which may quote a plate."""
    if isinstance(exc, ApiError):
        status, code, fields = exc.status, exc.code, [str(d.get("loc") or d.get("field")) for d in exc.details]
    else:
        status, code, fields = (
            422,
            "invalid_request",
            [d["loc"] or "body" for d in validation_details(list(exc.errors()))],
        )
    shown = ", ".join(dict.fromkeys(fields[:5])) + (", …" if len(fields) > 5 else "")
    return f"{status} {code}" + (f" at {shown}" if shown else "")


def ingesting_unit(request: Request, unit: AuthenticatedUnit, db: DbDep, at: NowDep) -> Iterator[Unit]:
    """The unit of an ingest request. Its contact goes into the ingest's own transaction (the route's `touch`); when
    the request fails the contact is recorded here instead, and a refusal (its body does not validate, a batch over
    the cap) is logged with the unit's name and counted for the Units page: agents that ignore the answer lose those
    reads silently otherwise."""
    try:
        yield unit
    except Exception as exc:
        refused = isinstance(exc, RequestValidationError) or (isinstance(exc, ApiError) and 400 <= exc.status < 500)
        reason = refusal_reason(exc) if isinstance(exc, ApiError | RequestValidationError) and refused else None
        if reason is not None:
            log.warning("ingest refused for unit %s: %s", unit.name, reason)
        db.rollback()
        try:
            # Every request of a unit is a contact supervisors see (V.E.2h), a refused or failed one too.
            unit_status.touch(db, unit, at, **unit_said(request, at))
            if reason is not None:
                unit_status.refused(db, unit, at, reason)
            db.commit()
        except SQLAlchemyError:
            db.rollback()
            log.exception("could not record the refused or failed request of unit %s", unit.name)
        raise


IngestUnit = Annotated[Unit, Depends(ingesting_unit)]


async def agent_message(request: Request) -> Any:
    """An agent's JSON message, read only once its unit is known (it comes after `IngestUnit`): the body of a
    request with an unknown token is never read. NaN and Infinity parse here, for the message's model to refuse."""
    body = await request.body()
    if problems := json_control_characters(body):
        raise RequestValidationError(problems)
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", "request body is not valid JSON") from exc


FRAMES = "the agent sends a message per frame (alprd): group a camera's frames into one read per vehicle pass"
AGENT_MESSAGE_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "an OpenALPR alpr_group or alpr_results message"}
            }
        },
    }
}


def _match(
    db: Session, state: AppState, reads: Sequence[IncomingRead], stored: list[uuid.UUID], at: dt.datetime
) -> None:
    """Compare every newly stored read with the current hot list (whatever version the unit had); not a plate the
    unit found but could not read surely (`found_only`, ADR 0025): its text is a guess the unit alerted no one on."""
    new = set(stored)
    _raise(db, state, [ReadForMatching(r.id, r.plate, tuple(c.plate for c in r.candidates), r.state)
                       for r in reads if r.id in new and not r.found_only], at)  # fmt: skip


def _raise(db: Session, state: AppState, reads: list[ReadForMatching], at: dt.datetime) -> None:
    """Alerts for the reads' hits; a read already alerted on an entry is not alerted on it again, and a pass that
    repeats its unit's standing alert is counted on it (ADR 0012)."""
    if not reads:
        return
    loaded = state.matcher.current(db, at)
    if loaded.index.size == 0:
        return
    rule, window = StateRule(state.settings.hotlist_state_rule), state.settings.alert_repeat_window
    raise_alerts(db, reads, loaded, at, state_rule=rule, repeat_window=window)


@router.post(
    "/reads",
    response_model=IngestResult,
    summary="Upload a batch of reads (idempotent by read id; all-or-nothing)",
    description=(
        "Up to 1,000 reads (`PLATEWATCH_INGEST_MAX_BATCH`). The batch is validated whole: if any read is invalid "
        "the response is 422 naming each read index and field, and nothing is stored. Reads whose id is already stored "
        "are listed in `already_stored` and not stored again. The answer's `X-Read-Fields` names the optional read "
        "fields this server takes (`found_only`, ADR 0025): a unit sends them only to a server that names them."
    ),
    openapi_extra=READ_BATCH_OPENAPI,
)
# The unit is authenticated before its body is parsed (dependencies resolve in parameter order).
def ingest_reads(
    request: Request,
    response: Response,
    unit: IngestUnit,
    reads: ReadBatchBody,
    db: DbDep,
    at: NowDep,
    state: StateDep,
) -> IngestResult:
    s = state.settings
    service.check_batch(len(reads), s.ingest_max_batch, "reads")
    images = service.prepare(reads, at, s.image_max_bytes, s.retention_days)
    outcome = service.ingest(db, unit, reads, images, ImageStore(s.image_dir), at)
    _match(db, state, reads, outcome.stored, at)
    unit_status.touch(db, unit, at, reads_captured=[r.captured_at for r in reads], **unit_said(request, at))
    # Asked inside the ingest's own transaction: after the commit it would open another (on SQLite, a write lock).
    if unit_status.urgent_for(db, unit):  # an AMBER entry waits for it: the unit fetches its list at once (V.C.1)
        response.headers[unit_status.URGENT_HEADER] = "1"
    db.commit()  # the reads, their alerts and the unit's contact in one transaction
    response.headers["Accept-Post"] = ACCEPT_POST  # a unit may send its next batches as MessagePack (ADR 0022)
    response.headers[READ_FIELDS_HEADER] = READ_FIELDS  # and the optional fields of a read it takes (ADR 0025)
    return IngestResult(received=len(reads), stored=outcome.stored, already_stored=outcome.already_stored)


@router.post(
    "/openalpr",
    response_model=IngestResult,
    summary="Accept an OpenALPR/Rekor `alpr_group` or `alpr_results` message as agents send it",
    description="With `?frames=1` (an agent that sends a message per frame, as OpenALPR's open-source daemon does), "
    "the frames of one vehicle pass make one read, voted across them, and at most one alert per listed plate.",
    openapi_extra=AGENT_MESSAGE_OPENAPI,
)
def ingest_openalpr(
    request: Request,
    unit: IngestUnit,
    message: Annotated[Any, Depends(agent_message)],
    db: DbDep,
    at: NowDep,
    state: StateDep,
    frames: Annotated[bool, Query(description=FRAMES)] = False,
) -> IngestResult:
    s = state.settings
    reads, attrs, kind = openalpr.to_reads(message, s.ingest_max_batch)
    images = service.prepare(reads, at, s.image_max_bytes, s.retention_days)
    grouped = passes.Grouped(new=list(range(len(reads))))
    if frames and kind == passes.SOURCE:
        keys = [f"{a['openalpr_uuid']}/{a['plate_index']}" for a in attrs]
        grouped = passes.group(db, unit, reads, attrs, keys)
    new = [reads[i] for i in grouped.new]
    stored: list[uuid.UUID] = []
    already: list[uuid.UUID] = list(grouped.repeated)
    if new:
        store = ImageStore(s.image_dir)
        outcome = service.ingest(db, unit, new, [images[i] for i in grouped.new], store, at, kind[:16],
                                 [attrs[i] for i in grouped.new])  # fmt: skip
        stored, already = outcome.stored, already + outcome.already_stored
        _match(db, state, new, stored, at)
    merged = [ReadForMatching(r.id, r.plate, tuple(c["plate"] for c in r.candidates), r.state) for r in grouped.merged]
    _raise(db, state, merged, at)  # a pass voted again may now read a listed plate
    unit_status.touch(db, unit, at, reads_captured=[r.captured_at for r in reads], **unit_said(request, at))
    db.commit()
    grouped_ids = list(dict.fromkeys(r.id for r in grouped.merged))
    return IngestResult(received=len(reads), stored=stored, already_stored=already, grouped=grouped_ids)
