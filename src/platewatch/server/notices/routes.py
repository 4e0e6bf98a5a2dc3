"""Notices API (order V.C.1): the open notices (and the closed ones when asked) and their acknowledgement."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, require
from platewatch.server.inputs import RowId
from platewatch.server.notices import service
from platewatch.server.supervision import scope

router = APIRouter(prefix="/api/v1/notices", tags=["notices"])
Watcher = Annotated[UserSession, Depends(require(Permission.VIEW_UNITS))]


class NoticePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    audience: str
    subject: str
    detail: str
    opened_at: dt.datetime
    last_sent_at: dt.datetime | None
    sent_count: int
    send_error: str
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None


class NoticeList(BaseModel):
    notices: list[NoticePublic]


@router.get("", response_model=NoticeList, summary="Notices: what someone must act on, open first")
def list_notices(
    who: Watcher, db: DbDep, closed: Annotated[bool, Query(description="closed ones too")] = False
) -> NoticeList:
    mine = scope.scope_for(db, who.user)  # a supervisor's command: the notices about its units and people (V.E.2g)
    shown = [n for n in service.listing(db, closed) if scope.sees_notice(db, mine, n.key)]
    return NoticeList(notices=[NoticePublic.model_validate(n) for n in shown])


@router.post("/{notice_id}/acknowledge", response_model=NoticePublic, summary="In hand: stop sending it")
def acknowledge(notice_id: RowId, who: Watcher, db: DbDep, at: NowDep) -> NoticePublic:
    scope.notice_in_scope(db, who.user, notice_id)
    notice = service.acknowledge(db, notice_id, who.user.username, at)
    db.commit()
    return NoticePublic.model_validate(notice)
