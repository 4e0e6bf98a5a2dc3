"""Saved areas API (`/api/v1/areas`) and people's restrictions (`/api/v1/users/{username}/restriction`): areas are
saved and retired by investigators and supervisors, restrictions set by the Program Administrator; each change is a
security event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.areas import service
from platewatch.server.areas.schemas import AreaCreate, AreaPublic, AreasPublic, RestrictionPublic, RestrictionSet
from platewatch.server.deps import DbDep, NowDep, require

router = APIRouter(prefix="/api/v1", tags=["areas"])
Searcher = Annotated[UserSession, Depends(require(Permission.SEARCH_READS))]
AreaKeeper = Annotated[UserSession, Depends(require(Permission.MANAGE_AREAS))]
UserAdmin = Annotated[UserSession, Depends(require(Permission.MANAGE_USERS))]


@router.get("/areas", response_model=AreasPublic, summary="Saved search areas, by name")
def list_areas(
    _: Searcher, db: DbDep, retired: Annotated[bool, Query(description="retired areas too")] = False
) -> AreasPublic:
    return AreasPublic(areas=[service.public(a) for a in service.listed(db, retired=retired)])


@router.post("/areas", response_model=AreaPublic, status_code=201, summary="Save a named area (a district, a zone)")
def add_area(body: AreaCreate, who: AreaKeeper, db: DbDep, at: NowDep) -> AreaPublic:
    area = service.add(db, body.name, [(p[0], p[1]) for p in body.polygon], who.user.username, at)
    public = service.public(area)
    db.commit()
    return public


@router.post("/areas/{name}/retire", response_model=AreaPublic, summary="Retire an area: no longer offered")
def retire_area(name: str, who: AreaKeeper, db: DbDep, at: NowDep) -> AreaPublic:
    area = service.retire(db, name, who.user.username, at)
    public = service.public(area)
    db.commit()
    return public


@router.get("/users/{username}/restriction", response_model=RestrictionPublic, summary="A person's restriction")
def get_restriction(username: str, _: UserAdmin, db: DbDep) -> RestrictionPublic:
    return service.shown(db, username)


@router.put(
    "/users/{username}/restriction",
    response_model=RestrictionPublic,
    summary="Limit a person to saved areas and a time window (order IV.B.4); replaces any earlier restriction",
)
def set_restriction(username: str, body: RestrictionSet, who: UserAdmin, db: DbDep, at: NowDep) -> RestrictionPublic:
    result = service.set_restriction(db, username, body, who.user.username, at)
    db.commit()
    return result


@router.delete("/users/{username}/restriction", response_model=RestrictionPublic, summary="Lift a restriction")
def clear_restriction(username: str, who: UserAdmin, db: DbDep) -> RestrictionPublic:
    result = service.clear_restriction(db, username, who.user.username)
    db.commit()
    return result
