"""New York fixed width: plate 0:10, state 10:12, vehicle type 12:15, list code 15, make 16:20, colour 20+."""

from __future__ import annotations

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle

from . import fields
from .base import LineError, LineImporter

NY_LIST_CODES: dict[str, tuple[Category, str]] = {
    "M": (Category.MISSING_PERSON, "Missing person"),
    "P": (Category.STOLEN_PLATE, "Stolen plate"),
    "R": (Category.STOLEN_PLATE, "Stolen Canadian plate"),
    "S": (Category.SEX_OFFENDER, "Sex offender"),
    "T": (Category.GANG_TERRORIST, "Possible terrorist"),
    "V": (Category.STOLEN_VEHICLE, "Stolen vehicle"),
    "W": (Category.WANTED_PERSON, "Wanted person"),
    "X": (Category.REGISTRATION, "Suspended / falsified registration"),
    "Z": (Category.SUSPENDED_LICENSE, "Suspended operating privilege"),
}

MIN_LENGTH = 16  # through the list code


class NyFixedImporter(LineImporter):
    name = "ny_fixed"
    description = "New York fixed width: plate, state, vehicle type, list code, make, colour"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        fields.need_length(line, MIN_LENGTH, "a New York record")
        code = line[15].upper()
        if code not in NY_LIST_CODES:
            raise LineError(f"unknown New York list code {code!r}")
        category, text = NY_LIST_CODES[code]
        return HotListEntry(
            plate=fields.plate(line[0:10]),
            state=fields.state(line[10:12]),
            category=category,
            plate_type=line[12:15].strip(),
            vehicle=Vehicle(make=line[16:20].strip(), colour=line[20:].strip()),
            description=text,
        )


IMPORTER = NyFixedImporter()
