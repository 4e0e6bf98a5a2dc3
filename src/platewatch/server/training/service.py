"""Training records: recorded by the Program Administrator or a supervisor, read by auditors, and asked by every
data route (`deps.require`) whether a person is trained today. Functions never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain import training as rules
from platewatch.domain.roles import TRAINED_PERMISSIONS, Role, allows
from platewatch.server.accounts.models import User
from platewatch.server.accounts.service import record_event
from platewatch.server.errors import ApiError
from platewatch.server.training.models import TrainingRecord
from platewatch.server.training.schemas import PersonTraining, TrainingCreate


class TrainingError(ApiError):
    """A training record that cannot be kept (an unknown person, dates that do not fit)."""


def record(db: Session, body: TrainingCreate, actor: str, now: dt.datetime) -> TrainingRecord:
    """Document a completed course (V.B.1g); a security event names who recorded whose training."""
    if db.scalar(select(User.id).where(User.username == body.username)) is None:
        raise TrainingError(404, "user_not_found", f"no user {body.username!r}")
    if body.completed_on > now.date():
        raise TrainingError(422, "bad_training", f"completed_on {body.completed_on} is in the future")
    expires = body.expires_on or rules.expiry(body.completed_on)
    if expires < body.completed_on:
        raise TrainingError(422, "bad_training", "expires_on is before completed_on")
    row = TrainingRecord(
        username=body.username, course=body.course.strip(), completed_on=body.completed_on, expires_on=expires,
        trainer=body.trainer.strip(), note=body.note.strip(), recorded_by=actor, recorded_at=now,
    )  # fmt: skip
    db.add(row)
    db.flush()
    record_event(db, body.username, "training_recorded", "success", f"{row.course} until {expires}", actor=actor)
    return row


def records_of(db: Session, username: str) -> list[TrainingRecord]:
    stmt = select(TrainingRecord).where(TrainingRecord.username == username)
    return list(db.scalars(stmt.order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())))


def _training(rows: list[TrainingRecord]) -> list[rules.Training]:
    return [rules.Training(r.course, r.completed_on, r.expires_on) for r in rows]


def is_trained(db: Session, username: str, today: dt.date) -> bool:
    """Whether `username` holds a course that counts today (order V.D.2)."""
    stmt = select(TrainingRecord).where(
        TrainingRecord.username == username,
        TrainingRecord.completed_on <= today,
        TrainingRecord.expires_on >= today,
    )
    return db.scalars(stmt.limit(1)).first() is not None


def roster(db: Session, today: dt.date, within: Collection[str] | None = None) -> list[PersonTraining]:
    """Every active person whose role reaches LPR data (or those of them `within`: a supervisor's command, V.E.2g),
    with their standing today: the untrained first."""
    people = db.scalars(select(User).where(User.active.is_(True)).order_by(User.username)).all()
    people = [p for p in people if within is None or p.username in within]
    rows = db.scalars(select(TrainingRecord)).all()
    by_person: dict[str, list[TrainingRecord]] = {}
    for r in rows:
        by_person.setdefault(r.username, []).append(r)
    out = []
    for person in people:
        if not any(allows(Role(person.role), p) for p in TRAINED_PERMISSIONS):
            continue
        mine = _training(by_person.get(person.username, []))
        now = rules.current(mine, today)
        out.append(
            PersonTraining(
                username=person.username,
                role=person.role,
                status=rules.status(mine, today),
                expires_on=now.expires_on if now else None,
                course=now.course if now else None,
            )
        )
    order = {"untrained": 0, "due": 1, "trained": 2}
    return sorted(out, key=lambda p: (order[p.status], p.username))
