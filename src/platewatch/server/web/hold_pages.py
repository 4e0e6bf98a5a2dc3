"""Web pages for retention: legal holds (place one from a read's page, see them all, release one: the
administrator) and the purge log."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from platewatch.domain.local_time import zone
from platewatch.domain.log_pages import FilterError, parse_cursor, purge_filter
from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission
from platewatch.server.accounts.models import UserSession
from platewatch.server.deps import DbDep, NowDep, QueryContext, StateDep, query_logged, require
from platewatch.server.errors import ApiError
from platewatch.server.governance import holds, retention
from platewatch.server.governance.schemas import HoldCreate, HoldRelease
from platewatch.server.inputs import RowId
from platewatch.server.reads.models import Read
from platewatch.server.web.routes import form_time, page

router = APIRouter(include_in_schema=False)

REVIEW = ("review of the legal holds in force (order V.D.4)", "V.D.4")
PlaceCtx = Annotated[QueryContext, Depends(query_logged(Action.PLACE_HOLD, Permission.MANAGE_HOLDS))]
ListCtx = Annotated[
    QueryContext, Depends(query_logged(Action.VIEW_HOLDS, Permission.MANAGE_HOLDS, standing_purpose=REVIEW))
]
Releaser = Annotated[UserSession, Depends(require(Permission.RELEASE_HOLDS))]
PurgeAuditor = Annotated[UserSession, Depends(require(Permission.VIEW_PURGE_LOG))]


def invalid_form(exc: ValidationError) -> ApiError:
    """A form that does not validate, as a 400 naming the first field at fault."""
    problem = exc.errors()[0]
    field = ".".join(str(p) for p in problem["loc"]) or "form"
    return ApiError(400, "invalid_form", f"{field}: {problem['msg']}")


@router.post("/holds")
def place_hold(
    ctx: PlaceCtx,
    state: StateDep,
    read_id: Annotated[uuid.UUID, Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
    scope: Annotated[Literal["read", "plate"], Form()] = "read",
    captured_from: Annotated[str, Form(max_length=40)] = "",
    captured_to: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    """From a read's page (`?context=` its query-log row: the purpose and case number carry over): that read, or
    every read of its plate (look-alikes too) captured in an optional window, given in the agency's time zone."""
    tz = zone(state.settings.time_zone)
    try:
        if scope == "read":
            wanted = HoldCreate(reason=reason.strip(), read_ids=[read_id])
        else:
            read = ctx.db.get(Read, read_id)
            if read is None:
                raise ApiError(404, "not_found", f"no read {read_id}")
            wanted = HoldCreate(
                reason=reason.strip(), plate=read.plate,
                captured_from=form_time(captured_from, tz, "captured_from"),
                captured_to=form_time(captured_to, tz, "captured_to"),
            )  # fmt: skip
        detail = holds.place(ctx.db, wanted, ctx.case_number, ctx.username, ctx.at)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    ctx.record(detail.read_count, {"hold": detail.id, "read_ids": len(wanted.read_ids), "plate": wanted.plate or ""})
    return RedirectResponse(f"/holds#hold-{detail.id}", status_code=303)


@router.get("/holds", response_class=HTMLResponse)
def holds_page(request: Request, ctx: ListCtx) -> HTMLResponse:
    found = holds.all_holds(ctx.db)
    ctx.record(len(found))
    return page(request, "holds.html", holds=found, role=ctx.role)


@router.post("/holds/{hold_id}/release")
def release_hold(
    hold_id: RowId, who: Releaser, db: DbDep, at: NowDep, note: Annotated[str, Form(max_length=500)] = ""
) -> RedirectResponse:
    try:
        body = HoldRelease(note=note.strip())
        holds.release(db, hold_id, body.note, who.user.username, at)
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    db.commit()
    return RedirectResponse(f"/holds#hold-{hold_id}", status_code=303)


@router.get("/purges", response_class=HTMLResponse)
def purge_log_page(
    request: Request,
    who: PurgeAuditor,
    db: DbDep,
    state: StateDep,
    ran_by: Annotated[str, Query(max_length=64)] = "",
    dry_run: Annotated[str, Query(max_length=10)] = "",
    from_date: Annotated[str, Query(max_length=10)] = "",
    to_date: Annotated[str, Query(max_length=10)] = "",
    cursor: Annotated[str, Query(max_length=30)] = "",
) -> HTMLResponse:
    """The purge log, a page at a time, newest first, narrowed by the form."""
    form = {"ran_by": ran_by, "dry_run": dry_run, "from_date": from_date, "to_date": to_date}
    context: dict[str, Any] = {"form": form, "filters": {k: v for k, v in form.items() if v}, "role": who.user.role}
    try:
        criteria = purge_filter(zone(state.settings.time_zone), ran_by=ran_by, dry_run=dry_run, from_date=from_date,
                                to_date=to_date)  # fmt: skip
        found = retention.runs_page(db, criteria, parse_cursor(cursor))
    except FilterError as exc:
        return page(request, "purges.html", status=400, error=str(exc), runs=[], older=None, newer=None, **context)
    return page(request, "purges.html", runs=found.rows, older=found.older, newer=found.newer, error=None, **context)
