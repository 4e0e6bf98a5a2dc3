"""Connecticut COLLECT DMV expired-registration list, fixed width (1-based positions in the XML layout)."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle

from . import fields
from .base import LineError, LineImporter

# 1-based inclusive positions from the layout, as 0-based slices.
PLATE = slice(0, 8)
PLATE_CLASS = slice(8, 38)
MAKE = slice(38, 69)
MODEL = slice(69, 100)
STYLE = slice(100, 131)
COLOUR = slice(131, 162)
YEAR = slice(162, 167)
USAGE = slice(167, 198)
EXPIRATION = slice(198, 207)
STATUS = slice(207, 209)
MIN_LENGTH = 207  # through RegistrationExpiration; a blank status may be trimmed

EXPIRATION_FORMATS = ("%Y%m%d", "%m%d%Y", "%m/%d/%y", "%Y-%m-%d", "%m/%d/%Y")


def expiration(raw: str) -> dt.date | None:
    """RegistrationExpiration when parseable; the layout gives no format, so unknown forms are None.

    Not put in HotListEntry.expires: the registration has already expired, and an entry past its
    `expires` date is inactive (domain.hotlists.is_active), so the whole list would never hit.
    """
    try:
        return fields.date(raw, "registration expiration", EXPIRATION_FORMATS)
    except LineError:
        return None


class CtCollectImporter(LineImporter):
    name = "ct_collect"
    description = "Connecticut COLLECT DMV expired registrations, fixed width"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        fields.need_length(line, MIN_LENGTH, "a COLLECT record")
        status = line[STATUS].strip()
        expired = expiration(line[EXPIRATION])
        parts = (
            f"expired {expired.isoformat()}" if expired else "",
            f"status {status}" if status else "",
            line[USAGE].strip(),
        )
        details = ", ".join(part for part in parts if part)
        return HotListEntry(
            plate=fields.plate(line[PLATE]),
            state="CT",
            category=Category.REGISTRATION,
            plate_type=line[PLATE_CLASS].strip(),
            vehicle=Vehicle(
                year=fields.year(line[YEAR], "vehicle year"),
                make=line[MAKE].strip(),
                model=line[MODEL].strip(),
                style=line[STYLE].strip(),
                colour=line[COLOUR].strip(),
            ),
            description=f"Expired registration ({details})" if details else "Expired registration",
        )


IMPORTER = CtCollectImporter()
