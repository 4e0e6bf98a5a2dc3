"""Deployment approvals (order V.A.2, V.E.1, III.8): record, revise and end them (each in the audit trail), list their
history, and give ingest the approvals of a unit for a batch's time span."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.deployments import Approval, distance_m, effective_end, window_problem
from platewatch.server.accounts.models import Unit
from platewatch.server.accounts.service import record_event
from platewatch.server.deployments.models import DeploymentApproval
from platewatch.server.deployments.schemas import (
    DeploymentCreate,
    DeploymentEnd,
    DeploymentPublic,
    DeploymentTerms,
    FlaggedRead,
)
from platewatch.server.errors import ApiError
from platewatch.server.reads.models import Read


class DeploymentError(ApiError):
    """An approval that cannot be found, recorded or changed (rendered like any ApiError)."""


def _unit(db: Session, name: str) -> Unit:
    unit = db.scalar(select(Unit).where(Unit.name == name.strip()))
    if unit is None:
        raise DeploymentError(404, "not_found", f"no unit named {name.strip()!r}")
    return unit


def _checked(unit: Unit, terms: DeploymentTerms, now: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    """The approval's window (from now unless given) once the terms fit the unit's kind; 422 naming the field."""
    if unit.kind == "mobile" and terms.latitude is not None:
        raise DeploymentError(422, "invalid_request", "latitude: a patrol car is approved as a vehicle, with no fixed "
                              "position (leave latitude and longitude out)")  # fmt: skip
    if unit.kind == "portable" and terms.latitude is None:
        raise DeploymentError(422, "invalid_request", "latitude: a portable unit's site needs its fixed position "
                              "(latitude and longitude)")  # fmt: skip
    start = terms.valid_from or now
    problem = window_problem(start, terms.valid_until)
    if problem:
        raise DeploymentError(422, "invalid_request", f"valid_until: {problem}")
    return start, terms.valid_until


def _describe(row: DeploymentApproval) -> str:
    where = row.site if row.latitude is None else f"{row.site} ({row.latitude:.5f}, {row.longitude:.5f}"
    if row.latitude is not None:
        where += f", {row.radius_m:g} m)" if row.radius_m is not None else ")"
    until = row.valid_until.isoformat() if row.valid_until else "until ended"
    return f"approval {row.id}: {where} from {row.valid_from.isoformat()} {until}; {row.reason}"[:500]


def _new(
    db: Session, unit: Unit, terms: DeploymentTerms, who: str, now: dt.datetime, replaces: int | None
) -> DeploymentApproval:
    start, until = _checked(unit, terms, now)
    row = DeploymentApproval(
        unit_id=unit.id, site=terms.site.strip(), latitude=terms.latitude, longitude=terms.longitude,
        radius_m=terms.radius_m, valid_from=start, valid_until=until, reason=terms.reason.strip(), approved_by=who,
        approved_at=now, replaces_id=replaces, end_reason="",
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


def approve(db: Session, body: DeploymentCreate, who: str, now: dt.datetime) -> DeploymentApproval:
    """Record the Program Administrator's approval of a unit's deployment."""
    unit = _unit(db, body.unit)
    row = _new(db, unit, body, who, now, None)
    record_event(db, unit.name, "deployment_approved", "success", _describe(row), who)
    return row


def _open(db: Session, approval_id: int) -> DeploymentApproval:
    row = db.get(DeploymentApproval, approval_id)
    if row is None:
        raise DeploymentError(404, "not_found", f"no deployment approval {approval_id}")
    if row.ended_at is not None:
        raise DeploymentError(409, "already_ended", f"approval {approval_id} was ended by {row.ended_by}")
    return row


def approval_of(db: Session, approval_id: int, unit: str) -> int:
    """`approval_id`, once it is an approval of the unit named `unit` (a form names both); 404 or 400 otherwise."""
    row = db.get(DeploymentApproval, approval_id)
    if row is None:
        raise DeploymentError(404, "not_found", f"no deployment approval {approval_id}")
    if db.get_one(Unit, row.unit_id).name != unit.strip():
        raise DeploymentError(400, "invalid_form", f"replaces: approval {approval_id} is not one of {unit.strip()!r}")
    return approval_id


def revise(db: Session, approval_id: int, terms: DeploymentTerms, who: str, now: dt.datetime) -> DeploymentApproval:
    """Replace an approval with new terms: the old one ends now and is kept; the new one names it."""
    old = _open(db, approval_id)
    unit = db.get_one(Unit, old.unit_id)
    new = _new(db, unit, terms, who, now, old.id)
    old.ended_at, old.ended_by, old.end_reason = now, who, f"revised: replaced by approval {new.id}"
    record_event(db, unit.name, "deployment_revised", "success", f"replaces {old.id}; {_describe(new)}"[:500], who)
    return new


def end(db: Session, approval_id: int, body: DeploymentEnd, who: str, now: dt.datetime) -> DeploymentApproval:
    """End an approval now: reads taken after it are outside it."""
    row = _open(db, approval_id)
    row.ended_at, row.ended_by, row.end_reason = now, who, body.reason.strip()
    unit = db.get_one(Unit, row.unit_id)
    record_event(db, unit.name, "deployment_ended", "success", f"approval {row.id}: {row.end_reason}"[:500], who)
    return row


def record_first(db: Session, unit: Unit, vehicle: str, who: str, at: dt.datetime) -> DeploymentApproval:
    """A patrol car's approval given when it is added (`unit add --approved-for`): the vehicle, from then on."""
    terms = DeploymentTerms.model_construct(
        site=vehicle,
        latitude=None,
        longitude=None,
        radius_m=None,
        valid_from=at,
        valid_until=None,
        reason="approved when the unit was added",
    )  # the vehicle's words as the administrator gave them (checked by `create_unit`)
    row = _new(db, unit, terms, who, at, None)
    record_event(db, unit.name, "deployment_approved", "success", _describe(row), who)
    return row


def _ends(row: DeploymentApproval) -> dt.datetime | None:
    return effective_end(row.valid_until, row.ended_at)


def public(row: DeploymentApproval, unit: Unit, now: dt.datetime) -> DeploymentPublic:
    end_at = _ends(row)
    return DeploymentPublic(
        id=row.id, unit=unit.name, unit_kind=unit.kind, site=row.site, latitude=row.latitude,
        longitude=row.longitude, radius_m=row.radius_m, valid_from=row.valid_from, valid_until=row.valid_until,
        reason=row.reason, approved_by=row.approved_by, approved_at=row.approved_at, replaces_id=row.replaces_id,
        ended_at=row.ended_at, ended_by=row.ended_by, end_reason=row.end_reason,
        current=row.valid_from <= now and (end_at is None or now < end_at),
    )  # fmt: skip


def listing(db: Session, now: dt.datetime, unit: str | None = None) -> list[DeploymentPublic]:
    """Every approval (the history), by unit, newest first."""
    stmt = select(DeploymentApproval, Unit).join(Unit, Unit.id == DeploymentApproval.unit_id)
    if unit is not None:
        stmt = stmt.where(Unit.id == _unit(db, unit).id)
    rows = db.execute(stmt.order_by(Unit.name, DeploymentApproval.id.desc()))
    return [public(row, u, now) for row, u in rows]


def current_sites(db: Session, now: dt.datetime, unit_id: uuid.UUID | None = None) -> dict[uuid.UUID, str]:
    """Each unit's currently approved site or vehicle (what `approved_for` was): the newest approval covering now."""
    stmt = select(DeploymentApproval).where(DeploymentApproval.valid_from <= now)
    if unit_id is not None:
        stmt = stmt.where(DeploymentApproval.unit_id == unit_id)
    out: dict[uuid.UUID, tuple[int, str]] = {}
    for row in db.scalars(stmt):
        end_at = _ends(row)
        if (end_at is None or now < end_at) and (row.unit_id not in out or row.id > out[row.unit_id][0]):
            out[row.unit_id] = (row.id, row.site)
    return {key: site for key, (_, site) in out.items()}


_RULE_COLUMNS = (
    DeploymentApproval.id, DeploymentApproval.valid_from, DeploymentApproval.valid_until, DeploymentApproval.ended_at,
    DeploymentApproval.latitude, DeploymentApproval.longitude, DeploymentApproval.radius_m,
)  # fmt: skip


def for_span(db: Session, unit_id: uuid.UUID, first: dt.datetime, last: dt.datetime) -> list[Approval]:
    """The unit's approvals that may cover a moment from `first` to `last`: one query for an ingest batch."""
    stmt = select(*_RULE_COLUMNS).where(DeploymentApproval.unit_id == unit_id, DeploymentApproval.valid_from <= last)
    out = []
    for id_, start, until, ended, lat, lon, radius in db.execute(stmt):
        end_at = effective_end(until, ended)
        if end_at is None or end_at > first:
            out.append(Approval(id_, start, end_at, lat, lon, radius))
    return out


def flagged(db: Session, unit: str | None = None, limit: int = 200) -> list[FlaggedRead]:
    """Reads taken outside any approved deployment, newest first: no plate and no position (`FlaggedRead`)."""
    site = DeploymentApproval
    stmt = (
        select(Read.id, Unit.name, Read.camera, Read.captured_at, Read.received_at, Read.outside_deployment,
               Read.approval_id, Read.latitude, Read.longitude, site.latitude, site.longitude)
        .join(Unit, Unit.id == Read.unit_id)
        .outerjoin(site, site.id == Read.approval_id)
        .where(Read.outside_deployment.is_not(None))
        .order_by(Read.captured_at.desc())
        .limit(limit)
    )  # fmt: skip
    if unit is not None:
        stmt = stmt.where(Read.unit_id == _unit(db, unit).id)
    out = []
    for read_id, name, camera, captured, received, outside, approval_id, lat, lon, site_lat, site_lon in db.execute(
        stmt
    ):
        far = None
        if lat is not None and lon is not None and site_lat is not None and site_lon is not None:
            far = round(distance_m(site_lat, site_lon, lat, lon))
        out.append(FlaggedRead(id=read_id, unit=name, camera=camera, captured_at=captured, received_at=received,
                               distance_m=far, outside=outside, approval_id=approval_id))  # fmt: skip
    return out
