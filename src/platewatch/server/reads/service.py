"""Ingest: check a batch whole, store its images by hash, insert its reads once (idempotent by UUID)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from sqlalchemy import Table, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from platewatch.domain.deployments import Placement, place, whole_span
from platewatch.domain.plates import canonical
from platewatch.domain.read_days import day_of
from platewatch.server.accounts.models import Unit
from platewatch.server.deployments import service as deployments
from platewatch.server.errors import ApiError
from platewatch.server.governance.holds import hold_late_reads
from platewatch.server.reads.image_files_lock import lock_for_storing
from platewatch.server.reads.imagestore import ImageError, ImageStore, check_jpeg
from platewatch.server.reads.models import Read, ReadImage, RetiredImageDay
from platewatch.server.reads.schemas import IncomingRead

MAX_FUTURE = dt.timedelta(minutes=10)
"""A read stamped this far after the server's clock is still taken: a unit's clock that runs ahead must not cost its
evidence (the read keeps the unit's time; the Units page names a unit 30 s off, `platewatch unit check` wants 5 s).
Further ahead is no clock error but a wrong date or time zone: a 422."""
READS_TABLE = cast(Table, Read.__table__)
IMAGES_TABLE = cast(Table, ReadImage.__table__)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    stored: list[uuid.UUID]
    already_stored: list[uuid.UUID]


def _decode(value: str | bytes) -> bytes:
    """An image as sent: base64 text in JSON, the JPEG itself in MessagePack."""
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImageError("image is not valid base64") from exc


def prepare(
    reads: Sequence[IncomingRead], now: dt.datetime, max_image_bytes: int, retention_days: int
) -> list[dict[str, bytes | None]]:
    """Check everything that pydantic cannot (images, times); raise ApiError 422 listing each problem."""
    problems: list[dict[str, Any]] = []
    images: list[dict[str, bytes | None]] = []
    oldest = now - dt.timedelta(days=retention_days)
    seen: dict[uuid.UUID, int] = {}
    for i, read in enumerate(reads):
        if read.id in seen:
            problems.append(_problem(i, "id", f"same id as reads[{seen[read.id]}]"))
        seen.setdefault(read.id, i)
        if read.captured_at > now + MAX_FUTURE:
            problems.append(_problem(i, "captured_at", "is in the future (check the unit's clock)"))
        elif read.captured_at < oldest:
            problems.append(_problem(i, "captured_at", f"is older than the {retention_days}-day retention period"))
        pair: dict[str, bytes | None] = {}
        for field in ("plate_image", "vehicle_image"):
            raw = getattr(read, field)
            if raw is None:
                pair[field] = None
                continue
            try:
                data = _decode(raw)
                check_jpeg(data, max_image_bytes)
            except ImageError as exc:
                problems.append(_problem(i, field, str(exc)))
                pair[field] = None
            else:
                pair[field] = data
        images.append(pair)
    if problems:
        summary = "; ".join(f"{p['loc']}: {p['message']}" for p in problems[:5])
        raise ApiError(422, "invalid_request", summary, problems)
    return images


def check_batch(count: int, limit: int, field: str) -> None:
    """A request over the ingest cap (`PLATEWATCH_INGEST_MAX_BATCH`) is refused whole, naming the field."""
    if count > limit:
        message = f"{field}: {count} reads in one request; at most {limit} (PLATEWATCH_INGEST_MAX_BATCH)"
        detail = {"loc": field, "index": None, "field": field, "message": message}
        raise ApiError(422, "batch_too_large", message, [detail])


def _problem(index: int, field: str, message: str) -> dict[str, Any]:
    return {"loc": f"reads[{index}].{field}", "index": index, "field": field, "message": message}


def ingest(
    db: Session,
    unit: Unit,
    reads: Sequence[IncomingRead],
    images: list[dict[str, bytes | None]],
    store: ImageStore,
    now: dt.datetime,
    source: str = "platewatch",
    attributes: list[dict[str, Any]] | None = None,
) -> IngestOutcome:
    """Insert the reads not yet stored; images were checked by `prepare`. Does not commit: the purge deletes no
    image file until the transaction ends (`image_files_lock`)."""
    ids = [r.id for r in reads]
    lock_for_storing(db)
    refuse_retired_days(db, reads)
    placed = placements(db, unit, reads)
    if db.get_bind().dialect.name == "postgresql":
        digests = _store_images(store, images, reads, range(len(reads)))
        stored = _copy_insert(db, _copy_lines(unit, reads, placed, digests, now, source, attributes))
    else:
        stored, digests = _sqlite_insert(db, unit, reads, placed, images, store, now, source, attributes)
    # Each image's newest use in its day, for the purge (ADR 0019, 0023): in the reads' transaction, under the
    # image-files lock.
    record_image_uses(db, [(d, reads[i].captured_at) for i, pair in digests.items() if reads[i].id in stored
                           for d in pair.values() if d])  # fmt: skip
    # Evidence a hold was placed on while it was still in a car: held as it arrives, in the same transaction.
    hold_late_reads(db, [(r.id, canonical(r.plate), r.captured_at) for r in reads if r.id in stored])
    return IngestOutcome(
        stored=[i for i in ids if i in stored],
        already_stored=[i for i in ids if i not in stored],
    )


def placements(db: Session, unit: Unit, reads: Sequence[IncomingRead]) -> list[Placement]:
    """Each read's deployment (order V.A.2, III.8): the unit's approvals for the batch's time span in one query, then
    the pure rule per read (a portable unit's read without GPS takes the site's position; outside one is flagged)."""
    if not reads:
        return []
    times = [r.captured_at for r in reads]
    first, last = min(times), max(times)
    approvals = deployments.for_span(db, unit.id, first, last)
    portable = unit.kind == "portable"
    same = whole_span(approvals, portable, first, last)  # a patrol car on its approval: the usual batch
    if same is not None:
        return [Placement(same.id, r.latitude, r.longitude, False, None) for r in reads]
    return [place(approvals, portable, r.captured_at, r.latitude, r.longitude) for r in reads]


def refuse_retired_days(db: Session, reads: Sequence[IncomingRead]) -> None:
    """422 for a batch with a read of a day whose image folder the purge has removed (ADR 0023): its reads are past
    the retention period, and its images would go into a folder no purge removes again. Called under the image-files
    lock, which the purge holds while it retires a day: a day retired after this check waits for this upload."""
    newest = db.scalar(select(func.max(RetiredImageDay.day)))
    if newest is None:
        return
    problems = [_problem(i, "captured_at", "is older than the retention period (its day has been purged)")
                for i, r in enumerate(reads) if day_of(r.captured_at) <= newest]  # fmt: skip
    if problems:
        raise ApiError(422, "invalid_request", f"{problems[0]['loc']}: {problems[0]['message']}", problems)


def record_image_uses(db: Session, uses: Sequence[tuple[str, dt.datetime]]) -> None:
    """Raise the `last_captured_at` of each image in its reads' day to the newest of these uses (digest, capture
    time) of it."""
    last: dict[tuple[dt.date, str], dt.datetime] = {}
    for digest, at in uses:
        key = (day_of(at), digest)
        if key not in last or at > last[key]:
            last[key] = at
    if not last:
        return
    ordered = sorted(last)  # one order for every upload: two that share images never deadlock on their rows
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text(
                "INSERT INTO read_images (day, digest, last_captured_at) SELECT * FROM unnest(CAST(:day AS date[]), "
                "CAST(:d AS text[]), CAST(:t AS timestamptz[])) ON CONFLICT (day, digest) DO UPDATE SET "
                "last_captured_at = EXCLUDED.last_captured_at "
                "WHERE read_images.last_captured_at < EXCLUDED.last_captured_at"
            ),
            {"day": [k[0] for k in ordered], "d": [k[1] for k in ordered], "t": [last[k] for k in ordered]},
        )
        return
    upsert = sqlite_insert(IMAGES_TABLE)
    db.execute(
        upsert.on_conflict_do_update(
            index_elements=["day", "digest"],
            set_={"last_captured_at": upsert.excluded.last_captured_at},
            where=IMAGES_TABLE.c.last_captured_at < upsert.excluded.last_captured_at,
        ),
        [{"day": k[0], "digest": k[1], "last_captured_at": last[k]} for k in ordered],
    )


def _store_images(
    store: ImageStore, images: list[dict[str, bytes | None]], reads: Sequence[IncomingRead], which: Sequence[int]
) -> dict[int, dict[str, str | None]]:
    """Store the images of the reads at `which` in their days' folders (one durable write for the batch); their
    digests by index."""
    blobs = [(i, field, data) for i in which for field, data in images[i].items() if data]
    digests = store.put_many([(day_of(reads[i].captured_at), data) for i, _, data in blobs]) if blobs else []
    out: dict[int, dict[str, str | None]] = {i: dict.fromkeys(images[i]) for i in which}
    for (i, field, _), digest in zip(blobs, digests, strict=True):
        out[i][field] = digest
    return out


def _sqlite_insert(
    db: Session,
    unit: Unit,
    reads: Sequence[IncomingRead],
    placed: list[Placement],
    images: list[dict[str, bytes | None]],
    store: ImageStore,
    now: dt.datetime,
    source: str,
    attributes: list[dict[str, Any]] | None,
) -> tuple[set[uuid.UUID], dict[int, dict[str, str | None]]]:
    """SQLite: transactions start with BEGIN IMMEDIATE, so nobody else can insert between the check for
    reads already stored and the insert: every row not already present is stored here. The stored ids, and the
    digests of their images by index."""
    existing = set(db.scalars(select(Read.id).where(Read.id.in_([r.id for r in reads]))))
    new = [i for i, read in enumerate(reads) if read.id not in existing]
    digests = _store_images(store, images, reads, new)
    rows: list[dict[str, Any]] = []
    for i in new:
        read, where = reads[i], placed[i]
        rows.append(
            {
                "id": read.id,
                "unit_id": unit.id,
                "camera": read.camera,
                "captured_at": read.captured_at,
                "received_at": now,
                "plate": read.plate,
                "plate_canonical": canonical(read.plate),
                "confidence": read.confidence,
                "candidates": [{"plate": c.plate, "confidence": c.confidence} for c in read.candidates],
                "state": read.state,
                "state_confidence": read.state_confidence,
                "latitude": where.latitude,
                "longitude": where.longitude,
                "heading": read.heading,
                "plate_image": digests[i]["plate_image"],
                "vehicle_image": digests[i]["vehicle_image"],
                "hotlist_version": read.hotlist_version,
                "source": source,
                "attributes": attributes[i] if attributes else {},
                "approval_id": where.approval_id,
                "position_from_site": where.from_site,
                "outside_deployment": where.outside,
                "found_only": read.found_only,
            }
        )
    if rows:
        db.execute(sqlite_insert(READS_TABLE).on_conflict_do_nothing(index_elements=["id"]), rows)
    return {r["id"] for r in rows}, digests


_COLUMNS = [c.name for c in READS_TABLE.columns]
_ROW_ORDER = [
    "id", "unit_id", "camera", "captured_at", "received_at", "plate", "plate_canonical", "confidence",
    "candidates", "state", "state_confidence", "latitude", "longitude", "heading", "plate_image",
    "vehicle_image", "hotlist_version", "source", "attributes", "approval_id", "position_from_site",
    "outside_deployment", "found_only",
]  # fmt: skip
if _COLUMNS != _ROW_ORDER:
    raise RuntimeError(f"reads columns changed: update _copy_lines() to write them in this order: {_COLUMNS}")

# COPY text format: tab-separated columns, \N for NULL; backslash, tab, newline and CR escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _num(value: float | int | None) -> str:
    return _NULL if value is None else repr(value)


def _candidates_json(read: IncomingRead) -> str:
    # Plates are normalized ([A-Z0-9]) and confidences finite floats: this is valid JSON, built without
    # the cost of json.dumps per read.
    return "[" + ",".join(f'{{"plate":"{c.plate}","confidence":{c.confidence!r}}}' for c in read.candidates) + "]"


def _copy_lines(
    unit: Unit,
    reads: Sequence[IncomingRead],
    placed: list[Placement],
    digests: dict[int, dict[str, str | None]],
    now: dt.datetime,
    source: str,
    attributes: list[dict[str, Any]] | None,
) -> list[tuple[uuid.UUID, str]]:
    """(id, COPY text line) per read, in the order of the table's columns (checked at import time)."""
    head = f"{unit.id}\t"
    received = f"\t{now.astimezone(dt.UTC).isoformat()}\t"
    tail_source = _text(source)
    out: list[tuple[uuid.UUID, str]] = []
    for i, read in enumerate(reads):
        plate_digest, vehicle_digest = digests[i]["plate_image"], digests[i]["vehicle_image"]
        where = placed[i]
        attrs = _text(json.dumps(attributes[i])) if attributes else "{}"
        line = "\t".join(
            (
                f"{read.id}\t{head}{_text(read.camera)}\t{read.captured_at.isoformat()}{received}{read.plate}",
                canonical(read.plate),
                repr(read.confidence),
                _candidates_json(read),
                read.state or _NULL,
                _num(read.state_confidence),
                _num(where.latitude),
                _num(where.longitude),
                _num(read.heading),
                plate_digest or _NULL,
                vehicle_digest or _NULL,
                _num(read.hotlist_version),
                tail_source,
                attrs,
                _num(where.approval_id),
                "t" if where.from_site else "f",
                where.outside or _NULL,
                "t" if read.found_only else "f",
            )
        )
        out.append((read.id, line))
    return out


def _copy_insert(db: Session, lines: list[tuple[uuid.UUID, str]]) -> set[uuid.UUID]:
    """PostgreSQL: COPY the batch straight into `reads`; if some of its reads are already stored, COPY it
    into a temporary table instead and INSERT … ON CONFLICT DO NOTHING RETURNING from there.

    A fresh batch (the usual case) costs one COPY; a batch sent again costs a failed COPY, rolled back to
    a savepoint, and the slower path. The conflict clause keeps concurrent uploads of the same reads safe,
    and RETURNING says which rows this transaction stored. `reads` is partitioned by day (ADR 0019): its primary
    key is (id, captured_at), and a read sent again carries both unchanged (a unit resends what it captured).
    """
    cols = ", ".join(_COLUMNS)
    payload = "".join(line + "\n" for _, line in lines).encode()
    raw = cast(psycopg.Connection[Any], db.connection().connection.dbapi_connection)
    with raw.cursor() as cur:
        cur.execute("SAVEPOINT reads_copy")
        try:
            with cur.copy(f"COPY reads ({cols}) FROM STDIN") as copy:
                copy.write(payload)
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT reads_copy")
        else:
            cur.execute("RELEASE SAVEPOINT reads_copy")
            return {read_id for read_id, _ in lines}
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS reads_incoming (LIKE reads INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cur.copy(f"COPY reads_incoming ({cols}) FROM STDIN") as copy:
            copy.write(payload)
        cur.execute(
            f"INSERT INTO reads ({cols}) SELECT {cols} FROM reads_incoming "
            "ON CONFLICT (id, captured_at) DO NOTHING RETURNING id"
        )
        stored = {r[0] for r in cur.fetchall()}
        cur.execute("TRUNCATE reads_incoming")
    return stored
