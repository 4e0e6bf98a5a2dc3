"""The data-request register (order V.D.6-9): record a request, review it, record its release or its closing, link
the accesses made for it, and keep it for the current year plus one. Every change is a security event; callers
commit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from platewatch.domain import data_requests as rules
from platewatch.domain.data_requests import Status
from platewatch.domain.local_time import local
from platewatch.server.accounts.service import record_event
from platewatch.server.data_requests.models import DataRequest
from platewatch.server.data_requests.schemas import (
    LinkedAccess,
    RequestClose,
    RequestCreate,
    RequestDetail,
    RequestFulfil,
    RequestPublic,
    RequestReview,
)
from platewatch.server.errors import ApiError
from platewatch.server.querylog.models import QueryLogEntry

SYSTEM = "system"
"""Who `reviewed_by` names for a request denied automatically (V.D.6)."""
PARAMETER = "request"
"""The query parameter (and query-log parameter) that names the request an access is made for."""


class RequestError(ApiError):
    """A request that cannot be found, recorded or changed as asked; the message says why."""


def receive(db: Session, body: RequestCreate, town: tuple[str, ...], who: str, at: dt.datetime) -> DataRequest:
    """Record a request as received; one from outside the town is recorded and denied at once, with the reason."""
    received = body.received_at or at
    if received.tzinfo is None:
        raise RequestError(422, "bad_request_time", "received_at needs a time zone")
    if received > at:
        raise RequestError(422, "bad_request_time", "received_at is in the future")
    inside = rules.in_town(body.agency, town[0], town[1:])
    row = DataRequest(
        received_at=received, requester=body.requester, agency=body.agency, agency_unit=body.agency_unit,
        in_town=inside, case_number=body.case_number, asked_for=body.asked_for, legal_basis=body.legal_basis,
        recorded_by=who, recorded_at=at, status=Status.RECEIVED.value, decision_note="", released="", finish_note="",
    )  # fmt: skip
    db.add(row)
    db.flush()
    record_event(db, who, "data_request_received", "success", f"request {row.id}: {_whose(row)}")
    if not inside:
        row.status, row.reviewed_by, row.reviewed_at = Status.DENIED.value, SYSTEM, at
        row.decision_note = rules.outside_reason(body.agency)
        record_event(db, SYSTEM, "data_request_denied", "success", f"request {row.id}: outside the town (V.D.6)")
    db.flush()
    return row


def get(db: Session, request_id: int, *, lock: bool = False) -> DataRequest:
    """The request; `lock`: held until the caller commits (PostgreSQL), so two steps at once cannot both pass."""
    row = db.get(DataRequest, request_id, with_for_update=lock)
    if row is None:
        raise RequestError(404, "request_not_found", f"no data request {request_id}")
    return row


def review(db: Session, request_id: int, body: RequestReview, who: str, at: dt.datetime) -> DataRequest:
    """The Program Administrator's or a designee's decision; an outside request cannot be approved (V.D.6)."""
    row = _stepping(get(db, request_id, lock=True), body.decision)
    if body.decision == "approved" and not row.in_town:
        raise RequestError(409, "outside_the_town", rules.outside_reason(row.agency))
    row.status, row.reviewed_by, row.reviewed_at, row.decision_note = body.decision, who, at, body.note
    record_event(db, who, f"data_request_{body.decision}", "success", f"request {row.id}: {body.note}"[:500])
    db.flush()
    return row


def fulfil(db: Session, request_id: int, body: RequestFulfil, who: str, at: dt.datetime) -> DataRequest:
    """Record what was released to the requester, and when (not before the approval, not in the future)."""
    row = _stepping(get(db, request_id, lock=True), Status.FULFILLED)
    released = body.released_at or at
    if released.tzinfo is None:
        raise RequestError(422, "bad_release_time", "released_at needs a time zone")
    if released > at or (row.reviewed_at is not None and released < row.reviewed_at):
        raise RequestError(422, "bad_release_time", "released_at must be between the approval and now")
    row.status, row.released, row.released_at = Status.FULFILLED.value, body.released, released
    row.finished_by, row.finished_at = who, at
    record_event(db, who, "data_request_fulfilled", "success", f"request {row.id}: {body.released}"[:500])
    db.flush()
    return row


def close(db: Session, request_id: int, body: RequestClose, who: str, at: dt.datetime) -> DataRequest:
    """Close an approved request with nothing released, saying why."""
    row = _stepping(get(db, request_id, lock=True), Status.CLOSED)
    row.status, row.finish_note, row.finished_by, row.finished_at = Status.CLOSED.value, body.note, who, at
    record_event(db, who, "data_request_closed", "success", f"request {row.id}: {body.note}"[:500])
    db.flush()
    return row


def for_access(db: Session, request_id: int) -> DataRequest:
    """The request a search, view or export names: it must exist and be approved (not yet fulfilled or closed)."""
    row = db.get(DataRequest, request_id)
    if row is None:
        raise RequestError(404, "request_not_found", f"no data request {request_id}")
    if row.status != Status.APPROVED:
        raise RequestError(
            409,
            "request_not_approved",
            f"data request {request_id} is {row.status}: LPR data is searched, viewed or exported only for an "
            "approved request",
        )
    return row


def access_purpose(row: DataRequest) -> str:
    """The purpose recorded for an access made for the request when the person states none."""
    return f"data request {row.id} ({_whose(row)}): {row.asked_for}"[:500]


def accesses(db: Session, request_ids: list[int]) -> dict[int, list[LinkedAccess]]:
    """The query-log rows of the accesses made for each request, in log order."""
    found: dict[int, list[LinkedAccess]] = {i: [] for i in request_ids}
    if not request_ids:
        return found
    named = QueryLogEntry.parameters[PARAMETER].as_string()
    stmt = select(QueryLogEntry).where(named.in_([str(i) for i in request_ids])).order_by(QueryLogEntry.seq)
    for e in db.scalars(stmt):
        link = LinkedAccess(seq=e.seq, at=e.at, username=e.username, action=e.action, result_count=e.result_count,
                            outcome=e.outcome)  # fmt: skip
        found[int(e.parameters[PARAMETER])].append(link)
    return found


def linked_seqs(db: Session, since: dt.datetime, until: dt.datetime) -> list[int]:
    """The answered accesses of a period that were made for a data request: each is in the period's audit sample."""
    stmt = select(QueryLogEntry.seq).where(
        QueryLogEntry.at >= since,
        QueryLogEntry.at < until,
        QueryLogEntry.outcome == "ok",
        QueryLogEntry.parameters[PARAMETER].as_string().is_not(None),
    )
    return list(db.scalars(stmt))


def listing(db: Session, tz: ZoneInfo, status: str | None = None) -> list[RequestPublic]:
    """The register, newest first."""
    stmt = select(DataRequest).order_by(DataRequest.received_at.desc(), DataRequest.id.desc())
    if status:
        stmt = stmt.where(DataRequest.status == status)
    return [public(r, tz) for r in db.scalars(stmt)]


def received_between(db: Session, since: dt.datetime, until: dt.datetime, tz: ZoneInfo) -> list[RequestDetail]:
    """The requests received in a period, each with its accesses (an audit's, V.D.10)."""
    stmt = (
        select(DataRequest)
        .where(DataRequest.received_at >= since, DataRequest.received_at < until)
        .order_by(DataRequest.received_at, DataRequest.id)
    )
    rows = list(db.scalars(stmt))
    links = accesses(db, [r.id for r in rows])
    return [RequestDetail(**public(r, tz).model_dump(), accesses=links[r.id]) for r in rows]


def detail(db: Session, row: DataRequest, tz: ZoneInfo) -> RequestDetail:
    return RequestDetail(**public(row, tz).model_dump(), accesses=accesses(db, [row.id])[row.id])


def public(row: DataRequest, tz: ZoneInfo) -> RequestPublic:
    until = rules.kept_until(local(row.received_at, tz).date(), _finished_day(row, tz))
    return RequestPublic.model_validate(row).model_copy(update={"kept_until": until})


def purge(db: Session, now: dt.datetime, tz: ZoneInfo) -> int:
    """Delete the final requests past the current year plus one of their last step (V.D.9); how many."""
    today = local(now, tz).date()
    final = [s.value for s in rules.FINAL]
    doomed = [
        r.id
        for r in db.scalars(select(DataRequest).where(DataRequest.status.in_(final)))
        if rules.may_delete(local(r.received_at, tz).date(), _finished_day(r, tz), today)
    ]
    if doomed:
        db.execute(delete(DataRequest).where(DataRequest.id.in_(doomed)))
        record_event(db, SYSTEM, "data_requests_purged", "success", f"{len(doomed)} past the current year plus one")
    return len(doomed)


def _finished_day(row: DataRequest, tz: ZoneInfo) -> dt.date | None:
    finished = row.finished_at or (row.reviewed_at if row.status == Status.DENIED else None)
    return None if finished is None else local(finished, tz).date()


def _stepping(row: DataRequest, wanted: str) -> DataRequest:
    problem = rules.step_problem(row.status, wanted)
    if problem is not None:
        raise RequestError(409, "request_status", f"data request {row.id}: {problem}")
    return row


def _whose(row: DataRequest) -> str:
    unit = f", {row.agency_unit}" if row.agency_unit else ""
    return f"{row.requester}, {row.agency}{unit}; case {row.case_number}"
