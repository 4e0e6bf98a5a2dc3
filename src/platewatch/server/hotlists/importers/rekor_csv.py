"""OpenALPR / Rekor import CSV: `Plate Number,Description,Match Strategy` with a header row."""

from __future__ import annotations

from platewatch.domain.hotlists import Category, HotListEntry

from . import fields
from .base import LineError, LineImporter


class RekorCsvImporter(LineImporter):
    """Match Strategy is ignored: the server's matcher decides how plates are compared."""

    name = "rekor_csv"
    description = "OpenALPR / Rekor CSV: Plate Number,Description,Match Strategy (no state, category other)"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        cells = fields.split(line)
        if line_no == 1 and cells and cells[0].lower() == "plate number":
            return None  # header row
        if not 1 <= len(cells) <= 3:
            raise LineError(f"expected 1 to 3 columns, found {len(cells)}")
        description = cells[1] if len(cells) > 1 else ""
        return HotListEntry(plate=fields.plate(cells[0]), category=Category.OTHER, description=description)


IMPORTER = RekorCsvImporter()
