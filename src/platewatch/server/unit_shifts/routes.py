"""Unit routes for the officer in the car: log-on and log-off of the shift (order V.E.8a) and the accept/reject
keys of the alert screen (V.E.5), authenticated with the unit's token."""

from __future__ import annotations

from fastapi import APIRouter

from platewatch.server.deps import DbDep, NowDep, StateDep, UnitDep
from platewatch.server.inputs import RowId
from platewatch.server.unit_shifts import decisions, service
from platewatch.server.unit_shifts.schemas import (
    DecisionBatch,
    DecisionResults,
    LogoffRequest,
    LogoffResult,
    LogonRequest,
    ShiftPublic,
    ShiftStatus,
)

router = APIRouter(prefix="/api/v1/unit", tags=["units"])


@router.post("/logon", response_model=ShiftPublic, summary="The officer logs onto the unit for the shift")
# The unit is authenticated before its body is parsed (dependencies resolve in parameter order).
def logon(unit: UnitDep, body: LogonRequest, db: DbDep, at: NowDep, state: StateDep) -> ShiftPublic:
    try:
        shift = service.logon(db, unit, body, at, state.lockout, state.settings.require_training)
    except service.ShiftError:
        db.commit()  # failures, counters and lockouts are recorded even though the log-on is refused
        raise
    db.commit()
    return ShiftPublic(shift=shift.id, username=shift.username, role=shift.role, started_at=shift.started_at)


@router.post("/logoff", response_model=LogoffResult, summary="End the officer's shift on the unit")
def logoff(unit: UnitDep, body: LogoffRequest, db: DbDep, at: NowDep) -> LogoffResult:
    shift = service.logoff(db, unit, body.shift, at, body.ended_at)
    db.commit()
    assert shift.ended_at is not None
    return LogoffResult(shift=shift.id, ended_at=shift.ended_at)


@router.get("/shifts/{shift_id}", response_model=ShiftStatus, summary="Whether one of the unit's shifts is still open")
def shift_status(unit: UnitDep, shift_id: RowId, db: DbDep) -> ShiftStatus:
    shift = service.get(db, unit, shift_id)
    return ShiftStatus(
        shift=shift.id, username=shift.username, started_at=shift.started_at, ended_at=shift.ended_at,
        end_reason=shift.end_reason, message=service.describe(shift),
    )  # fmt: skip


@router.post(
    "/alert-decisions",
    response_model=DecisionResults,
    summary="Accept/reject taken on the unit, possibly offline (one result per decision, in order)",
    description=(
        "Up to 500 decisions. Each is applied on its own: `recorded`, `already_recorded` (sent before), "
        "`read_not_stored` (upload the read first, then send it again), `conflict` (decided otherwise "
        "already) or `refused` (permanent; the message says why). An invalid body is a 422 and changes nothing."
    ),
)
def alert_decisions(unit: UnitDep, body: DecisionBatch, db: DbDep, at: NowDep) -> DecisionResults:
    results = decisions.decide_all(db, unit, body.decisions, at)
    db.commit()
    return DecisionResults(results=results)
