"""The training page (order V.B.1f-h, V.D.2): who may reach LPR data today, whose course is due, and the form that
documents a completed course (the Program Administrator and supervisors)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from platewatch.domain.roles import Permission, Role, allows
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, require
from platewatch.server.supervision import scope
from platewatch.server.training import service
from platewatch.server.training.schemas import TrainingCreate
from platewatch.server.web.hold_pages import invalid_form
from platewatch.server.web.routes import page

router = APIRouter(include_in_schema=False)
Viewer = Annotated[UserSession, Depends(require(Permission.VIEW_TRAINING))]
Recorder = Annotated[UserSession, Depends(require(Permission.MANAGE_TRAINING))]


@router.get("/training", response_class=HTMLResponse)
def training_page(request: Request, who: Viewer, db: DbDep, at: NowDep) -> HTMLResponse:
    role, mine = who.user.role, scope.scope_for(db, who.user)
    people = service.roster(db, at.date(), scope.people_in(db, mine))
    return page(
        request, "training.html", people=people, today=at.date(), role=role,
        scope_note=scope.scope_note(mine.command, role),
        can_record=allows(Role(role), Permission.MANAGE_TRAINING), done=request.query_params.get("done"),
    )  # fmt: skip


@router.post("/training")
def record_course(
    who: Recorder,
    db: DbDep,
    at: NowDep,
    username: Annotated[str, Form(max_length=64)] = "",
    course: Annotated[str, Form(max_length=200)] = "",
    completed_on: Annotated[str, Form(max_length=10)] = "",
    trainer: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    form = {"username": username.strip(), "course": course, "completed_on": completed_on or None,
            "trainer": trainer, "note": note}  # fmt: skip
    try:
        body = TrainingCreate.model_validate(form)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.record(db, body, who.user.username, at)
    db.commit()
    return RedirectResponse(f"/training?done={body.username}", status_code=303)
