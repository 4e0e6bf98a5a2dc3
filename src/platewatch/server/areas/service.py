"""Saved areas (add, list, retire) and people's restrictions (set, clear, read); each change a security event in the
audit trail, written in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from platewatch.domain.geo import parse_polygon
from platewatch.domain.restrictions import Restriction, check
from platewatch.server.accounts.models import User
from platewatch.server.accounts.service import record_event
from platewatch.server.areas.models import PersonRestriction, PersonRestrictionArea, SearchArea
from platewatch.server.areas.schemas import AreaPublic, RestrictionPublic, RestrictionSet
from platewatch.server.errors import ApiError


def public(area: SearchArea) -> AreaPublic:
    return AreaPublic(
        id=area.id, name=area.name, polygon=[[p[0], p[1]] for p in area.polygon], created_by=area.created_by,
        created_at=area.created_at, retired_by=area.retired_by, retired_at=area.retired_at,
    )  # fmt: skip


def _polygon_text(corners: list[tuple[float, float]]) -> str:
    return ";".join(f"{lat},{lon}" for lat, lon in corners)


def add(db: Session, name: str, corners: list[tuple[float, float]], who: str, at: dt.datetime) -> SearchArea:
    """A new named area; 400 for a bad polygon, 409 for a name in use (retired areas keep their names)."""
    name = " ".join(name.split())
    if not name:
        raise ApiError(400, "bad_area", "name: give the area a name")
    if "/" in name or "?" in name or "#" in name:
        raise ApiError(400, "bad_area", "name: no '/', '?' or '#' (the name is part of the area's address)")
    try:
        points = parse_polygon(_polygon_text(corners))
    except ValueError as exc:
        raise ApiError(400, "bad_area", f"polygon: {exc}") from exc
    if db.scalar(select(SearchArea.id).where(SearchArea.name == name)) is not None:
        raise ApiError(409, "area_exists", f"an area named {name!r} already exists")
    area = SearchArea(name=name, polygon=[list(p) for p in points], created_by=who, created_at=at)
    db.add(area)
    db.flush()
    record_event(db, who, "area_added", "success", f"area {area.id} {name!r}, {len(points)} corners", actor=who)
    return area


def listed(db: Session, *, retired: bool = False) -> list[SearchArea]:
    stmt = select(SearchArea).order_by(SearchArea.name)
    if not retired:
        stmt = stmt.where(SearchArea.retired_at.is_(None))
    return list(db.scalars(stmt))


def by_name(db: Session, name: str, *, retired: bool = False) -> SearchArea:
    area = db.scalar(select(SearchArea).where(SearchArea.name == name))
    if area is None or (area.retired_at is not None and not retired):
        raise ApiError(404, "no_such_area", f"no area named {name[:80]!r}")
    return area


def retire(db: Session, name: str, who: str, at: dt.datetime) -> SearchArea:
    area = by_name(db, name, retired=True)
    if area.retired_at is not None:
        raise ApiError(409, "area_retired", f"area {name!r} is already retired")
    area.retired_at, area.retired_by = at, who
    record_event(db, who, "area_retired", "success", f"area {area.id} {area.name!r}", actor=who)
    return area


def polygon_of(db: Session, name: str) -> list[tuple[float, float]]:
    """The corners of the live area `name` (a search or map chosen by area); 404 when there is none."""
    return [(p[0], p[1]) for p in by_name(db, name).polygon]


def _user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise ApiError(404, "not_found", f"no user {username[:64]!r}")
    return user


def restriction_of(db: Session, user_id: object) -> Restriction | None:
    """The person's restriction as the pure rule sees it (None: not restricted)."""
    row = db.get(PersonRestriction, user_id)
    if row is None:
        return None
    polygons = db.scalars(
        select(SearchArea.polygon)
        .join(PersonRestrictionArea, PersonRestrictionArea.area_id == SearchArea.id)
        .where(PersonRestrictionArea.user_id == user_id)
    )
    areas = tuple(tuple((p[0], p[1]) for p in polygon) for polygon in polygons)
    return Restriction(areas, row.captured_from, row.captured_until, row.newer_than_days)


def shown(db: Session, username: str) -> RestrictionPublic:
    user = _user(db, username)
    row = db.get(PersonRestriction, user.id)
    if row is None:
        return RestrictionPublic(username=username, restricted=False)
    names = db.scalars(
        select(SearchArea.name)
        .join(PersonRestrictionArea, PersonRestrictionArea.area_id == SearchArea.id)
        .where(PersonRestrictionArea.user_id == user.id)
        .order_by(SearchArea.name)
    )
    return RestrictionPublic(
        username=username, restricted=True, areas=list(names), captured_from=row.captured_from,
        captured_until=row.captured_until, newer_than_days=row.newer_than_days, set_by=row.set_by, set_at=row.set_at,
    )  # fmt: skip


def set_restriction(db: Session, username: str, body: RestrictionSet, who: str, at: dt.datetime) -> RestrictionPublic:
    """Limit `username` to the named areas and the window (replacing any earlier restriction); 400/404 otherwise."""
    user = _user(db, username)
    areas = [by_name(db, name) for name in dict.fromkeys(body.areas)]
    rule = Restriction(
        tuple(tuple((p[0], p[1]) for p in a.polygon) for a in areas),
        body.captured_from, body.captured_until, body.newer_than_days,
    )  # fmt: skip
    try:
        check(rule)
    except ValueError as exc:
        raise ApiError(400, "bad_restriction", str(exc)) from exc
    db.execute(delete(PersonRestrictionArea).where(PersonRestrictionArea.user_id == user.id))
    row = db.get(PersonRestriction, user.id)
    if row is None:
        row = PersonRestriction(user_id=user.id, set_by=who, set_at=at)
        db.add(row)
    row.captured_from, row.captured_until, row.newer_than_days = (
        body.captured_from, body.captured_until, body.newer_than_days
    )  # fmt: skip
    row.set_by, row.set_at = who, at
    db.flush()
    db.add_all(PersonRestrictionArea(user_id=user.id, area_id=a.id) for a in areas)
    db.flush()
    result = shown(db, username)
    said = result.model_dump(mode="json", include={"areas", "captured_from", "captured_until", "newer_than_days"})
    record_event(db, username, "restriction_set", "success", json.dumps(said, sort_keys=True), actor=who)
    return result


def clear_restriction(db: Session, username: str, who: str) -> RestrictionPublic:
    user = _user(db, username)
    row = db.get(PersonRestriction, user.id)
    if row is None:
        raise ApiError(409, "not_restricted", f"{username} is not restricted")
    db.execute(delete(PersonRestrictionArea).where(PersonRestrictionArea.user_id == user.id))
    db.delete(row)
    db.flush()
    record_event(db, username, "restriction_cleared", "success", "", actor=who)
    return RestrictionPublic(username=username, restricted=False)


def all_restrictions(db: Session) -> list[RestrictionPublic]:
    """Every restricted person's restriction, by user name (the People page)."""
    names = db.scalars(
        select(User.username).join(PersonRestriction, PersonRestriction.user_id == User.id).order_by(User.username)
    )
    return [shown(db, name) for name in list(names)]
