"""Genetec AutoVu hot list: `PLATE;STATE` or `PlateNumber;PlateState;Category;EffectiveDate;ExpiryDate;attributes…`."""

from __future__ import annotations

from platewatch.domain.hotlists import Category, HotListEntry

from . import fields
from .base import LineImporter

DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")
HEADER_FIRST_CELLS = frozenset({"platenumber", "plate number", "plate"})


def delimiter(line: str) -> str:
    """Sniff the delimiter of one line: `;` wins over tab, tab over `,`."""
    for candidate in (";", "\t", ","):
        if candidate in line:
            return candidate
    return ","


class GenetecImporter(LineImporter):
    """Category text is mapped by keyword (unknown text: OTHER, kept in the description); attributes go to the
    description."""

    name = "genetec"
    description = "Genetec: PLATE;STATE or PlateNumber;PlateState;Category;EffectiveDate;ExpiryDate;attributes"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip():
            return None
        cells = fields.split(line, delimiter(line))
        if line_no == 1 and cells and cells[0].lower() in HEADER_FIRST_CELLS:
            return None  # header row
        cells += [""] * (5 - len(cells))
        plate, state, category_text, effective, expiry = cells[:5]
        category = fields.category_from_text(category_text) if category_text else Category.OTHER
        attributes = "; ".join(c for c in cells[5:] if c)
        described = category_text if category_text and category is Category.OTHER else ""
        return HotListEntry(
            plate=fields.plate(plate),
            state=fields.state(state, required=False),
            category=category,
            effective=fields.date(effective, "effective date", DATE_FORMATS),
            expires=fields.date(expiry, "expiry date", DATE_FORMATS),
            description=" | ".join(p for p in (described, attributes) if p),
        )


IMPORTER = GenetecImporter()
