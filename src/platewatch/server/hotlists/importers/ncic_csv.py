"""NCIC CSV extracts: TX NCIC (11 columns) and MN NCIC (12 columns)."""

from __future__ import annotations

from platewatch.domain.hotlists import HotListEntry, Vehicle

from . import fields
from .base import LineImporter
from .ncic_fixed import file_code


class TxNcicCsvImporter(LineImporter):
    name = "ncic_csv_tx"
    description = "TX NCIC CSV, 11 columns: record ID, ORI, date, plate, state, reg. year, VYR VMA VMO VST VCO"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        nic, ori, when, plate, state, reg_year, vyr, vma, vmo, vst, vco = fields.columns(line, 11)
        category, text = file_code(nic)
        return HotListEntry(
            plate=fields.plate(plate),
            state=fields.state(state, zero_fix=True),
            category=category,
            nic=nic,
            ori=ori,
            effective=fields.date(when, "date of record"),
            plate_year=fields.year(reg_year, "registration year"),
            vehicle=Vehicle(year=fields.year(vyr, "vehicle year (VYR)"), make=vma, model=vmo, style=vst, colour=vco),
            description=text,
        )


class MnNcicCsvImporter(LineImporter):
    name = "ncic_csv_mn"
    description = "MN NCIC CSV, 12 columns: NIC, ORI, date, plate, state, LIY, LIT, VYR VMA VMO VST VCO"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        nic, ori, when, plate, state, liy, lit, vyr, vma, vmo, vst, vco = fields.columns(line, 12)
        category, text = file_code(nic)
        return HotListEntry(
            plate=fields.plate(plate),
            state=fields.state(state, zero_fix=True),
            category=category,
            nic=nic,
            ori=ori,
            effective=fields.date(when, "date of record"),
            plate_year=fields.year(liy, "plate year (LIY)"),
            plate_type=lit,
            vehicle=Vehicle(year=fields.year(vyr, "vehicle year (VYR)"), make=vma, model=vmo, style=vst, colour=vco),
            description=text,
        )


TX_IMPORTER = TxNcicCsvImporter()
MN_IMPORTER = MnNcicCsvImporter()
