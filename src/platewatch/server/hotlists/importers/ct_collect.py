"""Connecticut COLLECT DMV expired-registration list, fixed width: the record description's 209-character layout
(31-character text fields) or the published example's 202-character one (30-character fields), chosen by the line's
length; a line that fits neither is refused, never read with the other's positions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle

from . import fields
from .base import LineError, LineImporter


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each field of a COLLECT record is (0-based slices); the two layouts differ in their text fields' width."""

    name: str
    plate: slice
    plate_class: slice
    make: slice
    model: slice
    style: slice
    colour: slice
    year: slice
    usage: slice
    expiration: slice
    status: slice

    @property
    def length(self) -> int:
        return int(self.status.stop)

    @property
    def shortest(self) -> int:
        return int(self.expiration.stop)  # a blank status may be trimmed


def _layout(name: str, widths: tuple[int, ...]) -> Layout:
    ends = [sum(widths[: i + 1]) for i in range(len(widths))]
    return Layout(name, *(slice(end - width, end) for end, width in zip(ends, widths, strict=True)))


# The published record description: 1-based positions 1-8, 9-38, then 31-character text fields, the year in
# 163-167, expiration 199-207 and the status 208-209 (209 characters).
WIDE = _layout("31-character fields", (8, 30, 31, 31, 31, 31, 5, 31, 9, 2))
# The published example line of the same file: 30-character text fields, a 4-digit year, an 8-digit expiration and
# the status (202 characters).
NARROW = _layout("30-character fields", (8, 30, 30, 30, 30, 30, 4, 30, 8, 2))
LAYOUTS = (WIDE, NARROW)


def layout_of(line: str) -> Layout:
    """The layout a line's length fits (a blank status may be trimmed), or LineError naming both."""
    for layout in LAYOUTS:
        if layout.shortest <= len(line) <= layout.length:
            return layout
    known = " or ".join(f"{layout.length} ({layout.name})" for layout in LAYOUTS)
    if len(line) < min(layout.shortest for layout in LAYOUTS):
        raise LineError(f"truncated line: {len(line)} characters, a COLLECT record has {known}")
    raise LineError(f"a line of {len(line)} characters fits no COLLECT layout: a record has {known}")


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
    description = "Connecticut COLLECT DMV expired registrations, fixed width (209 or 202 characters a record)"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        at = layout_of(line)
        status = line[at.status].strip()
        expired = expiration(line[at.expiration])
        parts = (
            f"expired {expired.isoformat()}" if expired else "",
            f"status {status}" if status else "",
            line[at.usage].strip(),
        )
        details = ", ".join(part for part in parts if part)
        return HotListEntry(
            plate=fields.plate(line[at.plate]),
            state="CT",
            category=Category.REGISTRATION,
            plate_type=line[at.plate_class].strip(),
            vehicle=Vehicle(
                year=fields.year(line[at.year], f"vehicle year ({at.name})"),
                make=line[at.make].strip(),
                model=line[at.model].strip(),
                style=line[at.style].strip(),
                colour=line[at.colour].strip(),
            ),
            description=f"Expired registration ({details})" if details else "Expired registration",
        )


IMPORTER = CtCollectImporter()
