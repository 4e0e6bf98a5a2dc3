"""NCIC "LPR extract" fixed width (also PA PSP, NC, NJ MVC with ORI and date empty and its own record codes E and S,
MI with a description)."""

from __future__ import annotations

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle

from . import fields
from .base import LineError, LineImporter

# File code (first character of the NIC) -> category and list text. B and N are TX NCIC additions.
NCIC_FILE_CODES: dict[str, tuple[Category, str]] = {
    "A": (Category.AMBER, "Amber alert"),
    "F": (Category.WANTED_PERSON, "Felony vehicle"),
    "W": (Category.WANTED_PERSON, "Wanted person"),
    "V": (Category.STOLEN_VEHICLE, "Stolen vehicle"),
    "P": (Category.STOLEN_PLATE, "Stolen plate"),
    "M": (Category.MISSING_PERSON, "Missing person"),
    "C": (Category.SUPERVISED_RELEASE, "Supervised release"),
    "H": (Category.PROTECTION_ORDER, "Protection order"),
    "K": (Category.PROTECTIVE_INTEREST, "Protective interest"),
    "L": (Category.VIOLENT_PERSON, "Violent person"),
    "R": (Category.STOLEN_VEHICLE, "Stolen (Canadian, CPIC)"),
    "T": (Category.GANG_TERRORIST, "Gang / terrorist"),
    "X": (Category.SEX_OFFENDER, "Sex offender"),
    "B": (Category.STOLEN_VEHICLE, "Stolen boat"),
    "N": (Category.WANTED_PERSON, "Deported felon"),
    # New Jersey MVC's own records in the same layout: registrations, not NCIC entries.
    "E": (Category.REGISTRATION, "Expired registration (NJ MVC)"),
    "S": (Category.REGISTRATION, "Suspended registration (NJ MVC)"),
}

MIN_LENGTH = 39  # through the plate state; vehicle fields may be trimmed when blank


def file_code(nic: str) -> tuple[Category, str]:
    """Category and list text for an NCIC record's file code (its first character)."""
    code = nic[:1].upper()
    if code not in NCIC_FILE_CODES:
        raise LineError(f"unknown NCIC file code {code!r}" if code else "NCIC number is empty")
    return NCIC_FILE_CODES[code]


class NcicFixedImporter(LineImporter):
    name = "ncic_fixed"
    description = "NCIC LPR extract, fixed width (PA PSP, NC, NJ MVC with its codes E and S, MI)"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        fields.need_length(line, MIN_LENGTH, "an NCIC record")
        nic = line[0:10].strip()
        category, text = file_code(nic)
        extra = line[65:100].strip()  # MI: record type / description
        return HotListEntry(
            plate=fields.plate(line[27:37]),
            state=fields.state(line[37:39], zero_fix=True),
            category=category,
            nic=nic,
            ori=line[10:19].strip(),
            effective=fields.date(line[19:27], "date of record"),
            plate_year=fields.year(line[39:43], "plate year (LIY)"),
            plate_type=line[43:45].strip(),
            vehicle=Vehicle(
                year=fields.year(line[45:49], "vehicle year (VYR)"),
                make=line[49:53].strip(),
                model=line[53:56].strip(),
                style=line[56:58].strip(),
                colour=line[58:65].strip(),
            ),
            description=f"{text}: {extra}" if extra else text,
        )


IMPORTER = NcicFixedImporter()
