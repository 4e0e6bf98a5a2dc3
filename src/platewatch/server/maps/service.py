"""Reads and their alarms as map features (order IV.B.2): GeoJSON points of a search's reads that have a position,
each with the hot-list alarms it raised (covert lists only for the back office)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.hotlists import category_words
from platewatch.server.alerts.models import Alert
from platewatch.server.hotlists.models import HotList, HotListEntryRow
from platewatch.server.reads.models import Read


def alarms_by_read(db: Session, read_ids: Sequence[uuid.UUID], covert: bool) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The alarms of each read (list, the matched entry's category as the alert gives it, in code and in words, and
    status), most urgent first; covert lists only when `covert`."""
    out: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for start in range(0, len(read_ids), 500):
        stmt = (
            select(Alert.read_id, HotList.name, HotListEntryRow.category, Alert.status, Alert.covert, Alert.priority)
            .join(HotList, HotList.id == Alert.hotlist_id)
            .join(HotListEntryRow, HotListEntryRow.id == Alert.entry_id)
            .where(Alert.read_id.in_(read_ids[start : start + 500]))
            .order_by(Alert.priority, Alert.id)
        )
        for read_id, name, category, status, is_covert, _ in db.execute(stmt):
            if is_covert and not covert:
                continue
            alarm = {"list": name, "category": category, "category_words": category_words(category), "status": status}
            out.setdefault(read_id, []).append(alarm)
    return out


def feature_collection(
    rows: Sequence[tuple[Read, str]], alarms: dict[uuid.UUID, list[dict[str, Any]]], context: int
) -> dict[str, Any]:
    """GeoJSON (longitude first) of the reads that have a position; `context` is the query-log entry that
    authorizes opening each read (`/reads/{id}?context=`)."""
    features: list[dict[str, Any]] = []
    placed_alarms = 0
    for read, unit in rows:
        if read.latitude is None or read.longitude is None:
            continue
        placed_alarms += bool(alarms.get(read.id))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [read.longitude, read.latitude]},
                "properties": {
                    "id": str(read.id),
                    "plate": read.plate,
                    "state": read.state,
                    "captured_at": read.captured_at.isoformat(),
                    "unit": unit,
                    "camera": read.camera,
                    "heading": read.heading,
                    "alarms": alarms.get(read.id, []),
                    "url": f"/reads/{read.id}?context={context}",
                    # fetched only when a popup shows it: each image viewed is its own query-log row
                    "plate_image_url": f"/api/v1/reads/{read.id}/images/plate?context={context}"
                    if read.plate_image
                    else None,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "reads": len(rows),
        "placed": len(features),
        "alarms": placed_alarms,
        "query_log_seq": context,
    }
