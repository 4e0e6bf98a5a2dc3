"""Evidence packages (order V.D.5): a hold's reads, images and hits as one ZIP in which every file is listed with
its SHA-256 (`SHA256SUMS`, checkable with `sha256sum -c`), and each export a custody event."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.local_time import with_offset
from platewatch.server.accounts.models import Unit
from platewatch.server.alerts.models import Alert
from platewatch.server.areas.scope import scope_of
from platewatch.server.governance.holds import HoldError, get_hold
from platewatch.server.governance.models import CustodyEvent, HeldRead
from platewatch.server.governance.schemas import CustodyStep
from platewatch.server.hotlists.models import HotList, HotListEntryRow, HotListVersion
from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read

FORMAT = "platewatch-evidence/1"


@dataclass(frozen=True)
class Package:
    data: bytes
    sha256: str
    read_count: int
    damaged_images: int
    """Images whose stored bytes no longer hash to their name (included as stored, flagged in the manifest)."""


def build(
    db: Session, store: ImageStore, hold_id: int, agency: str, who: str, at: dt.datetime, tz: ZoneInfo = ZoneInfo("UTC")
) -> Package:
    """The ZIP of everything hold `hold_id` preserves that is still stored. Times are UTC, and each also in the agency's
    zone `tz` with its offset (`…_local`), as the agency's own records show them."""
    hold = get_hold(db, hold_id)
    rows = db.execute(
        select(Read, Unit.name)
        .join(Unit, Unit.id == Read.unit_id)
        .join(HeldRead, HeldRead.read_id == Read.id)
        .where(HeldRead.hold_id == hold_id)
        .order_by(Read.captured_at, Read.id)
    ).all()
    alerts = db.execute(
        select(Alert, HotListEntryRow, HotListVersion, HotList)
        .join(HotListEntryRow, HotListEntryRow.id == Alert.entry_id)
        .join(HotListVersion, HotListVersion.id == Alert.version_id)
        .join(HotList, HotList.id == Alert.hotlist_id)
        .where(Alert.read_id.in_([r.id for r, _ in rows]))
        .order_by(Alert.id)
    ).all()
    files: dict[str, bytes] = {}
    damaged = 0
    intact: dict[str, bool] = {}
    for read, _ in rows:
        for digest in (read.plate_image, read.vehicle_image):
            if digest and digest not in intact:
                data = store.of_read(read.captured_at, digest)
                intact[digest] = data is not None and hashlib.sha256(data).hexdigest() == digest
                damaged += not intact[digest]
                if data is not None:
                    files[f"images/{digest}.jpg"] = data
    manifest = {
        "format": FORMAT,
        "agency": agency,
        "exported_at": at.isoformat(),
        "time_zone": tz.key,
        "exported_at_local": with_offset(at, tz),
        "exported_by": who,
        "hold": {
            "id": hold.id, "case_number": hold.case_number, "reason": hold.reason, "placed_by": hold.created_by,
            "placed_at": hold.created_at.isoformat(), "released_at": _iso(hold.released_at),
            # What it covers: listed reads (no plate), or a plate's reads in a window, those stored later included
            # (a read's `received_at` after `placed_at` says it came in after the hold).
            "plate": hold.plate, "captured_from": _iso(hold.captured_from), "captured_to": _iso(hold.captured_to),
        },
        "reads": [_read(read, unit, intact, tz) for read, unit in rows],
        "alerts": [_alert(a, entry, version, hotlist) for a, entry, version, hotlist in alerts],
    }  # fmt: skip
    if scope_of(db) is not None:  # a restricted exporter's package holds only the reads they may see (ADR 0018)
        manifest["restricted"] = "only the held reads inside the exporter's areas and time window (order IV.B.4)"
    files = {"manifest.json": json.dumps(manifest, indent=1, sort_keys=True).encode(), **files}
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in files.items())
    files["SHA256SUMS"] = sums.encode()
    buffer = io.BytesIO()
    stamp = at.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=stamp), data)
    data = buffer.getvalue()
    return Package(data, hashlib.sha256(data).hexdigest(), len(rows), damaged)


def record_export(db: Session, hold_id: int, package: Package, who: str, at: dt.datetime, seq: int) -> None:
    """The custody event of one export (the caller commits)."""
    db.add(
        CustodyEvent(
            hold_id=hold_id, at=at, username=who, action="exported", package_sha256=package.sha256,
            read_count=package.read_count, query_log_seq=seq,
        )
    )  # fmt: skip


def record_step(db: Session, hold_id: int, step: CustodyStep, who: str, at: dt.datetime) -> CustodyEvent:
    """A step after the export (the caller commits); the package must be one this hold exported."""
    get_hold(db, hold_id)
    export = db.scalars(
        select(CustodyEvent).where(
            CustodyEvent.hold_id == hold_id,
            CustodyEvent.action == "exported",
            CustodyEvent.package_sha256 == step.package_sha256,
        )
    ).first()
    if export is None:
        raise HoldError(409, "unknown_package", f"hold {hold_id} exported no package {step.package_sha256[:12]}…")
    event = CustodyEvent(
        hold_id=hold_id, at=at, username=who, action=step.action, package_sha256=step.package_sha256,
        read_count=export.read_count, counterpart=step.counterpart.strip(), note=step.note.strip(),
    )  # fmt: skip
    db.add(event)
    db.flush()
    return event


def custody(db: Session, hold_id: int) -> list[CustodyEvent]:
    get_hold(db, hold_id)
    return list(db.scalars(select(CustodyEvent).where(CustodyEvent.hold_id == hold_id).order_by(CustodyEvent.id)))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _read(read: Read, unit: str, intact: dict[str, bool], tz: ZoneInfo) -> dict[str, Any]:
    def image(digest: str | None) -> dict[str, Any] | None:
        return {"file": f"images/{digest}.jpg", "sha256": digest, "intact": intact[digest]} if digest else None

    return {
        "id": str(read.id), "unit": unit, "camera": read.camera, "captured_at": read.captured_at.isoformat(),
        "captured_at_local": with_offset(read.captured_at, tz),
        "received_at": read.received_at.isoformat(), "plate": read.plate, "confidence": read.confidence,
        "candidates": read.candidates, "state": read.state, "latitude": read.latitude,
        "longitude": read.longitude, "heading": read.heading, "hotlist_version": read.hotlist_version,
        "source": read.source, "found_only": read.found_only, "plate_image": image(read.plate_image),
        "vehicle_image": image(read.vehicle_image),
    }  # fmt: skip


def _alert(a: Alert, entry: HotListEntryRow, version: HotListVersion, hotlist: HotList) -> dict[str, Any]:
    return {
        # The list entry that made the hit as it stood then (order V.D.3): a version's entries never change, and the
        # purge keeps every version a kept alert names, however long ago the list moved on.
        "entry": {
            "hotlist": hotlist.name, "source": hotlist.source, "version": version.id,
            "version_created_at": version.created_at.isoformat(), "version_change": version.change,
            "plate": entry.plate, "state": entry.state, "category": entry.category, "nic": entry.nic, "ori": entry.ori,
            "case_number": entry.case_number, "description": entry.description, "purpose": entry.purpose,
            "vehicle": {"year": entry.vehicle_year, "make": entry.vehicle_make, "model": entry.vehicle_model,
                        "style": entry.vehicle_style, "colour": entry.vehicle_colour},
            "effective": _day(entry.effective), "expires": _day(entry.expires), "entered_by": entry.owner,
        },
        "id": a.id, "read_id": str(a.read_id), "hotlist_version": a.version_id, "matched": a.matched_text,
        "match_kind": a.match_kind, "reason": a.reason, "status": a.status, "decided_by": a.decided_by,
        "decided_at": _iso(a.decided_at), "verified_by": a.verified_by, "verified_at": _iso(a.verified_at),
        "verification_note": a.verification_note, "disposition": a.disposition,
        "incident_number": a.incident_number, "disposed_by": a.disposed_by, "disposed_at": _iso(a.disposed_at),
    }  # fmt: skip
