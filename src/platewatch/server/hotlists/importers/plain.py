"""Plain list: one plate per line, optionally `PLATE STATE`; `#` starts a comment."""

from __future__ import annotations

from platewatch.domain.hotlists import Category, HotListEntry

from . import fields
from .base import LineError, LineImporter


class PlainImporter(LineImporter):
    name = "plain"
    description = "Plain text: one plate per line, optionally followed by a state code; # comments"

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        text = line.split("#", 1)[0].replace(",", " ").strip()
        if not text:
            return None
        tokens = text.split()
        if len(tokens) > 2:
            raise LineError(f"expected PLATE or PLATE STATE, found {len(tokens)} words")
        state = fields.state(tokens[1]) if len(tokens) == 2 else None
        return HotListEntry(plate=fields.plate(tokens[0]), state=state, category=Category.OTHER)


IMPORTER = PlainImporter()
