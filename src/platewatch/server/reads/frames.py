"""Per-frame OpenALPR messages grouped into one read per vehicle pass (`POST /api/v1/openalpr?frames=1`): a frame
whose plate continues a pass of the same unit and camera (`domain.vehicle_passes`) is added to that pass's read and
voted again, instead of becoming a read, and an alert, of its own. Functions never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.plates import canonical
from platewatch.domain.vehicle_passes import LONGEST_PASS, MAX_FRAMES, Frame, joins, vote
from platewatch.server.accounts.models import Unit
from platewatch.server.reads.models import Read
from platewatch.server.reads.schemas import ReadCreate

SOURCE = "alpr_results"


@dataclass
class Grouped:
    new: list[int] = field(default_factory=list)
    """Indices of the reads that begin a pass: stored as reads."""
    merged: list[Read] = field(default_factory=list)
    """Stored reads whose pass took a frame of this message (voted again)."""
    repeated: list[uuid.UUID] = field(default_factory=list)
    """Reads of frames a pass already holds (the message sent again)."""


def frame_of(read: ReadCreate, key: str) -> Frame:
    """A read made of one frame's plate, as its pass keeps it: its text first, then its other candidates."""
    others = [(c.plate, c.confidence) for c in read.candidates if c.plate != read.plate]
    return Frame(key, read.captured_at, ((read.plate, read.confidence), *others), read.state)


def _to_json(frame: Frame) -> dict[str, Any]:
    return {"key": frame.key, "at": frame.at.isoformat(), "candidates": [list(c) for c in frame.candidates],
            "state": frame.state}  # fmt: skip


def _from_json(item: dict[str, Any]) -> Frame:
    cands = tuple((str(text), float(conf)) for text, conf in item["candidates"])
    return Frame(str(item["key"]), dt.datetime.fromisoformat(item["at"]), cands, item.get("state"))


def frames_of(row: Read) -> list[Frame]:
    kept = (row.attributes or {}).get("pass", {}).get("frames", [])
    return [_from_json(item) for item in kept]


def group(db: Session, unit: Unit, reads: list[ReadCreate], attrs: list[dict[str, Any]], keys: list[str]) -> Grouped:
    """Add each read's frame to the pass it continues, or mark it as a new pass (its frame then goes in its
    attributes, for the next frames to find)."""
    out = Grouped()
    for i, read in enumerate(reads):
        frame = frame_of(read, keys[i])
        recent = list(
            db.scalars(
                select(Read)
                .where(Read.unit_id == unit.id, Read.camera == read.camera, Read.source == SOURCE)
                .where(Read.captured_at >= read.captured_at - LONGEST_PASS, Read.captured_at <= read.captured_at)
                .order_by(Read.captured_at.desc())
                .limit(20)
            )
        )
        for row in recent:
            kept = frames_of(row)
            if not kept:
                continue
            if any(f.key == frame.key for f in kept):
                out.repeated.append(read.id)
                break
            if joins(row.captured_at, max(f.at for f in kept), row.plate, frame):
                _merge(row, [*kept, frame][-MAX_FRAMES:])
                out.merged.append(row)
                break
        else:
            out.new.append(i)
            attrs[i]["pass"] = {"frames": [_to_json(frame)]}
    return out


def _merge(row: Read, frames: list[Frame]) -> None:
    voted = vote(frames)
    row.plate, row.plate_canonical, row.confidence = voted.text, canonical(voted.text), voted.confidence
    row.candidates = [{"plate": text, "confidence": conf} for text, conf in voted.candidates]
    row.state = voted.state or row.state
    row.attributes = {**(row.attributes or {}), "pass": {"frames": [_to_json(f) for f in frames]}}
