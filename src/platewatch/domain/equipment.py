"""When a piece of LPR equipment is due for its annual physical inventory (V.A.5) and for the cleaning and service its
manufacturer recommends (V.A.6): pure rules."""

from __future__ import annotations

import datetime as dt

CHECK_EVERY = dt.timedelta(days=365)
"""V.A.5: an annual physical inventory."""


def inventory_due(status: str, last_inventoried: dt.datetime | None, now: dt.datetime) -> bool:
    """Not seen at a physical inventory in the last year (a retired piece never is due)."""
    return status != "retired" and (last_inventoried is None or now - last_inventoried > CHECK_EVERY)


def maintenance_due(
    status: str, every_days: int | None, last_maintained: dt.datetime | None, added: dt.datetime, now: dt.datetime
) -> bool:
    """Past the manufacturer's interval since its last cleaning or service (since it was added, if never); a piece
    with no interval recorded, or retired, never is due."""
    if every_days is None or status == "retired":
        return False
    return now - (last_maintained or added) > dt.timedelta(days=every_days)
