"""Search API: every route returns read data, so every route goes through `query_logged`."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from platewatch.domain.local_time import zone
from platewatch.domain.querylog import Action
from platewatch.domain.roles import Permission
from platewatch.server.deps import QueryContext, StateDep, query_logged
from platewatch.server.documents import as_pdf, content_disposition
from platewatch.server.errors import ApiError
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from platewatch.server.reads.schemas import ReadPublic, ReadsPublic
from platewatch.server.search import service
from platewatch.server.search.documents import reads_document
from platewatch.server.search.params import SearchQueryDep
from platewatch.server.unit_shifts.service import on_shift

router = APIRouter(prefix="/api/v1", tags=["search"])

SearchCtx = Annotated[QueryContext, Depends(query_logged(Action.SEARCH, Permission.SEARCH_READS, on_replica=True))]
ViewCtx = Annotated[QueryContext, Depends(query_logged(Action.VIEW_READ, Permission.SEARCH_READS))]
ImageCtx = Annotated[QueryContext, Depends(query_logged(Action.VIEW_IMAGE, Permission.SEARCH_READS))]
ExportCtx = Annotated[QueryContext, Depends(query_logged(Action.EXPORT, Permission.EXPORT_READS, on_replica=True))]


def to_public(read: Read, unit_name: str, context: int | None = None, officer: str | None = None) -> ReadPublic:
    """A read as people see it; `officer`: who was logged on to its unit when it was taken (None: nobody)."""
    suffix = f"?context={context}" if context is not None else ""

    def url(kind: str, digest: str | None) -> str | None:
        return f"/api/v1/reads/{read.id}/images/{kind}{suffix}" if digest else None

    return ReadPublic(
        id=read.id,
        unit=unit_name,
        camera=read.camera,
        captured_at=read.captured_at,
        received_at=read.received_at,
        plate=read.plate,
        confidence=read.confidence,
        candidates=read.candidates,
        state=read.state,
        state_confidence=read.state_confidence,
        latitude=read.latitude,
        longitude=read.longitude,
        heading=read.heading,
        position_from_site=read.position_from_site,
        outside_deployment=read.outside_deployment,
        hotlist_version=read.hotlist_version,
        found_only=read.found_only,
        officer_on_shift=officer,
        source=read.source,
        plate_image_url=url("plate", read.plate_image),
        vehicle_image_url=url("vehicle", read.vehicle_image),
        plate_image_sha256=read.plate_image,
        vehicle_image_sha256=read.vehicle_image,
    )


@router.get("/reads/search", response_model=ReadsPublic, summary="Search reads (purpose and case required)")
def search_reads(ctx: SearchCtx, query: SearchQueryDep) -> ReadsPublic:
    rows, next_cursor = ctx.read(lambda db: service.run(db, query))
    officers = ctx.read(lambda db: on_shift(db, [r for r, _ in rows]))
    entry = ctx.record(len(rows))
    return ReadsPublic(
        reads=[to_public(r, u, entry.seq, officers[r.id]) for r, u in rows],
        count=len(rows),
        next_cursor=next_cursor,
        query_log_seq=entry.seq,
    )


@router.get(
    "/reads/export.csv",
    summary="Export a search as CSV (purpose and case required; stays inside the agency)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_reads(ctx: ExportCtx, query: SearchQueryDep) -> Response:
    rows, _ = ctx.read(lambda db: service.run(db, query))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(
        ["id", "captured_at", "plate", "confidence", "state", "unit", "camera", "latitude", "longitude",
         "plate_image_sha256", "vehicle_image_sha256", "found_only"]
    )  # fmt: skip
    for r, unit_name in rows:
        writer.writerow(
            [r.id, r.captured_at.isoformat(), r.plate, f"{r.confidence:.3f}", r.state or "", unit_name,
             r.camera, r.latitude, r.longitude, r.plate_image or "", r.vehicle_image or "", int(r.found_only)]
        )  # fmt: skip
    entry = ctx.record(len(rows))
    header = f"LPR export - query log #{entry.seq} - case {ctx.case_number} - not for release outside the agency"
    return Response(
        f"# {header}\n" + buf.getvalue(),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="reads-{entry.seq}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/reads/export.pdf",
    summary="A search's reads as a PDF report (purpose and case required; stays inside the agency)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def export_reads_pdf(ctx: ExportCtx, query: SearchQueryDep, state: StateDep) -> Response:
    rows, _ = ctx.read(lambda db: service.run(db, query))
    entry = ctx.record(len(rows))
    doc = reads_document(rows, query, ctx, entry.seq, state.settings.agency_name, zone(state.settings.time_zone))
    return Response(
        as_pdf(doc),
        media_type="application/pdf",
        headers={"Content-Disposition": content_disposition(f"reads-{entry.seq}", "pdf"), "Cache-Control": "no-store"},
    )


@router.get("/reads/{read_id}", response_model=ReadPublic, summary="One read (purpose or context required)")
def view_read(read_id: uuid.UUID, ctx: ViewCtx) -> ReadPublic:
    row = service.get_read(ctx.db, read_id)
    if row is None:
        raise ApiError(404, "not_found", f"no read {read_id}")
    officer = on_shift(ctx.db, [row[0]])[row[0].id]
    entry = ctx.record(1)
    return to_public(row[0], row[1], entry.seq, officer)


@router.get(
    "/reads/{read_id}/images/{kind}",
    summary="A read's plate or vehicle JPEG (purpose or context required)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def read_image(read_id: uuid.UUID, kind: Literal["plate", "vehicle"], ctx: ImageCtx, state: StateDep) -> Response:
    row = service.get_read(ctx.db, read_id)
    digest = None if row is None else (row[0].plate_image if kind == "plate" else row[0].vehicle_image)
    data = ImageStore(state.settings.image_dir).of_read(row[0].captured_at, digest) if row else None
    if data is None:
        raise ApiError(404, "not_found", f"read {read_id} has no {kind} image")
    ctx.record(1)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
