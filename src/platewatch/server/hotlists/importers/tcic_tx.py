"""Texas TCIC CSV, 8 columns: record ID (second character = list code), plate, state, VYR VMA VMO VST VCO."""

from __future__ import annotations

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle

from . import fields
from .base import LineError, LineImporter

TCIC_CODES: dict[str, tuple[Category, str]] = {
    "E": (Category.VIOLENT_PERSON, "Violent person"),
    "M": (Category.MISSING_PERSON, "Missing person"),
    "O": (Category.PROTECTION_ORDER, "Protection order"),
    "P": (Category.STOLEN_PLATE, "Stolen plate"),
    "T": (Category.VIOLENT_PERSON, "Threat against officer"),
    "V": (Category.STOLEN_VEHICLE, "Stolen vehicle"),
    "W": (Category.WANTED_PERSON, "Wanted person"),
    "X": (Category.SEX_OFFENDER, "Sex offender"),
    "Y": (Category.OTHER, "Child safety check"),
}


class TcicTxImporter(LineImporter):
    name = "tcic_tx"
    description = "TX TCIC CSV, 8 columns: record ID (2nd character = code), plate, state, VYR VMA VMO VST VCO"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        record_id, plate, state, vyr, vma, vmo, vst, vco = fields.columns(line, 8)
        code = record_id[1:2].upper()
        if code not in TCIC_CODES:
            raise LineError(f"unknown TCIC list code {code!r}" if code else "record ID too short for a list code")
        category, text = TCIC_CODES[code]
        return HotListEntry(
            plate=fields.plate(plate),
            state=fields.state(state, zero_fix=True),
            category=category,
            nic=record_id,
            vehicle=Vehicle(year=fields.year(vyr, "vehicle year (VYR)"), make=vma, model=vmo, style=vst, colour=vco),
            description=text,
        )


IMPORTER = TcicTxImporter()
