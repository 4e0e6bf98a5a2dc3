"""Web forms for LEAS documentation (order V.E.2f): an outcome that a read's view led to, recorded from the read's page
against its query-log row, and its LEAS number given later from the reports page."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from platewatch.server.deps import DbDep, NowDep
from platewatch.server.errors import ApiError
from platewatch.server.inputs import RowId, Seq
from platewatch.server.leas import service
from platewatch.server.leas.routes import Searcher, acts_for_others
from platewatch.server.leas.schemas import SearchOutcomeCreate
from platewatch.server.web.hold_pages import invalid_form

router = APIRouter(include_in_schema=False)


@router.post("/searches/{seq}/outcome")
def record_outcome(
    seq: Seq,
    who: Searcher,
    db: DbDep,
    at: NowDep,
    read_id: Annotated[uuid.UUID, Form()],
    outcome: Annotated[str, Form(max_length=24)] = "",
    incident_number: Annotated[str, Form(max_length=40)] = "",
    leas_subtype: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    try:
        body = SearchOutcomeCreate.model_validate(
            {"outcome": outcome, "incident_number": incident_number, "leas_subtype": leas_subtype, "note": note}
        )
    except ValidationError as exc:
        raise invalid_form(exc) from exc
    service.record_search_outcome(db, seq, body, who.user.username, acts_for_others(who), at)
    db.commit()
    # Back to the read, opened again on the same query-log row (its purpose and case carry over).
    return RedirectResponse(f"/reads/{read_id}?context={seq}&outcome=recorded", status_code=303)


@router.post("/search-outcomes/{outcome_id}/leas")
def document_outcome(
    outcome_id: RowId,
    who: Searcher,
    db: DbDep,
    incident_number: Annotated[str, Form(max_length=40)] = "",
    leas_subtype: Annotated[str, Form(max_length=16)] = "",
) -> RedirectResponse:
    if not incident_number.strip() or not leas_subtype.strip():
        raise ApiError(400, "invalid_form", "give the LEAS incident number and the sub-type it was documented under")
    service.document_search_outcome(db, outcome_id, incident_number, leas_subtype, who.user.username,
                                    acts_for_others(who))  # fmt: skip
    db.commit()
    return RedirectResponse("/reports#leas", status_code=303)
