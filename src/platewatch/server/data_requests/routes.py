"""Data-request register API (order V.D.6-9): requests for LPR data are recorded as received, reviewed by the Program
Administrator or a designee, then fulfilled or closed; each search, view and export made for one names it
(`?request=ID`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from platewatch.domain.data_requests import Status
from platewatch.domain.local_time import zone
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.data_requests import service
from platewatch.server.data_requests.schemas import (
    RequestClose,
    RequestCreate,
    RequestDetail,
    RequestFulfil,
    RequestList,
    RequestReview,
)
from platewatch.server.deps import DbDep, NowDep, StateDep, require
from platewatch.server.inputs import RowId

router = APIRouter(prefix="/api/v1/requests", tags=["data requests"])
Keeper = Annotated[UserSession, Depends(require(Permission.MANAGE_REQUESTS))]
Reviewer = Annotated[UserSession, Depends(require(Permission.REVIEW_REQUESTS))]


@router.get("", response_model=RequestList, summary="The register of data requests, newest first")
def list_requests(
    _: Keeper, db: DbDep, state: StateDep, status: Annotated[Status | None, Query(description="only these")] = None
) -> RequestList:
    tz = zone(state.settings.time_zone)
    return RequestList(requests=service.listing(db, tz, None if status is None else status.value))


@router.post(
    "",
    status_code=201,
    response_model=RequestDetail,
    summary="Record a request as received (one from outside the town is denied at once, V.D.6)",
)
def receive(body: RequestCreate, who: Keeper, db: DbDep, at: NowDep, state: StateDep) -> RequestDetail:
    row = service.receive(db, body, state.settings.town_agency_names, who.user.username, at)
    db.commit()
    return service.detail(db, row, zone(state.settings.time_zone))


@router.get("/{request_id}", response_model=RequestDetail, summary="One request with the accesses made for it")
def get_request(request_id: RowId, _: Keeper, db: DbDep, state: StateDep) -> RequestDetail:
    return service.detail(db, service.get(db, request_id), zone(state.settings.time_zone))


@router.post("/{request_id}/review", response_model=RequestDetail, summary="Approve or deny a received request")
def review(
    request_id: RowId, body: RequestReview, who: Reviewer, db: DbDep, at: NowDep, state: StateDep
) -> RequestDetail:
    row = service.review(db, request_id, body, who.user.username, at)
    db.commit()
    return service.detail(db, row, zone(state.settings.time_zone))


@router.post("/{request_id}/fulfil", response_model=RequestDetail, summary="Record what was released, and when")
def fulfil(
    request_id: RowId, body: RequestFulfil, who: Keeper, db: DbDep, at: NowDep, state: StateDep
) -> RequestDetail:
    row = service.fulfil(db, request_id, body, who.user.username, at)
    db.commit()
    return service.detail(db, row, zone(state.settings.time_zone))


@router.post("/{request_id}/close", response_model=RequestDetail, summary="Close an approved request, nothing released")
def close(request_id: RowId, body: RequestClose, who: Keeper, db: DbDep, at: NowDep, state: StateDep) -> RequestDetail:
    row = service.close(db, request_id, body, who.user.username, at)
    db.commit()
    return service.detail(db, row, zone(state.settings.time_zone))
