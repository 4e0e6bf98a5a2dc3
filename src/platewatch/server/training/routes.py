"""Training API (order V.B.1f-h): the Program Administrator and supervisors document courses; auditors see who is
trained. Only trained people reach LPR data: `deps.require` asks this package on every data route."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, require
from platewatch.server.supervision import scope
from platewatch.server.training import service
from platewatch.server.training.models import TrainingRecord
from platewatch.server.training.schemas import TrainingCreate, TrainingPublic, TrainingRoster

router = APIRouter(prefix="/api/v1/training", tags=["training"])
Recorder = Annotated[UserSession, Depends(require(Permission.MANAGE_TRAINING))]
Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_TRAINING))]


def public(row: TrainingRecord) -> TrainingPublic:
    return TrainingPublic.model_validate(row, from_attributes=True)


@router.post("", status_code=201, response_model=TrainingPublic, summary="Document a completed LPR course")
def record_training(body: TrainingCreate, who: Recorder, db: DbDep, at: NowDep) -> TrainingPublic:
    row = service.record(db, body, who.user.username, at)
    db.commit()
    return public(row)


@router.get("", response_model=TrainingRoster, summary="Who may reach LPR data today, and whose training is due")
def training_roster(who: Viewer, db: DbDep, at: NowDep) -> TrainingRoster:
    people = service.roster(db, at.date(), scope.people_for(db, who.user))
    return TrainingRoster(
        people=people,
        untrained=sum(p.status == "untrained" for p in people),
        due=sum(p.status == "due" for p in people),
    )


@router.get("/{username}", response_model=list[TrainingPublic], summary="One person's courses, newest first")
def training_of(username: Annotated[str, Path(max_length=64)], _: Viewer, db: DbDep) -> list[TrainingPublic]:
    return [public(r) for r in service.records_of(db, username)]
