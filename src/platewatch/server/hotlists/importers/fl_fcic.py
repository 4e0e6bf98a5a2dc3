"""Florida FCIC hot list: `;`-delimited, 15 columns, the list type as text (e.g. STOLEN LICENSE PLATE)."""

from __future__ import annotations

from platewatch.domain.hotlists import HotListEntry

from . import fields
from .base import LineImporter

DATE_FORMATS = ("%Y%m%d", "%m/%d/%Y", "%Y-%m-%d")


class FlFcicImporter(LineImporter):
    name = "fl_fcic"
    description = "Florida FCIC, ';'-delimited, 15 columns (list type text, ORI, agency, OCA, ..., plate, state)"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        cells = fields.columns(line, 15, delimiter=";")
        list_type, ori, agency, oca, _oan, _pcn, nic, when, _flag, _ts, plate, plate_year, state, plate_type, _ = cells
        return HotListEntry(
            plate=fields.plate(plate),
            state=fields.state(state),
            category=fields.category_from_text(list_type),
            nic=nic,
            ori=ori,
            case_number=oca,
            effective=fields.date(when, "date", DATE_FORMATS),
            plate_year=fields.year(plate_year, "plate year"),
            plate_type=plate_type,
            description=f"{list_type} ({agency})" if agency else list_type,
        )


IMPORTER = FlFcicImporter()
