"""California DOJ CLEW stolen-vehicle extract: `DATE…` header, fixed-width records, `TOTAL RECORD n` trailer; records
alone (neither header nor trailer: lines copied out of an extract) are taken too, and the report says that their count
could not be checked."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from platewatch.domain.hotlists import Category, HotListEntry

from . import fields
from .base import FileError, LineImporter

HEADER = re.compile(r"DATE(\d\d/\d\d/\d{4} \d\d:\d\d)\s*")
TRAILER = re.compile(r"TOTAL RECORD\s*(\d+)\s*")
MIN_LENGTH = 20  # plate 0:8, state 8:10, county 10:12, date of loss 12:20
BARE = (
    "records alone, without the extract's DATE header and TOTAL RECORD trailer: imported, but whether the file is "
    "whole could not be checked (import the extract as DOJ sends it for that check)"
)


class CaClewImporter(LineImporter):
    name = "ca_clew"
    description = (
        "California DOJ CLEW stolen-vehicle (SVS) extract, DATE header to TOTAL RECORD trailer, or its records"
    )

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        if not line.strip() or HEADER.fullmatch(line) or TRAILER.fullmatch(line):
            return None
        fields.need_length(line, MIN_LENGTH, "a CLEW record")
        county = line[10:12].strip()
        return HotListEntry(
            plate=fields.plate(line[0:8]),
            state=fields.state(line[8:10]),
            category=Category.STOLEN_VEHICLE,
            effective=fields.date(line[12:20], "date of loss"),
            description=f"Stolen vehicle (CLEW), county {county}" if county else "Stolen vehicle (CLEW)",
        )

    def check_file(self, lines: Sequence[str]) -> str | None:
        numbered = [(no, line) for no, line in enumerate(lines, start=1) if line.strip()]
        if not numbered:
            return None  # an empty file is refused by the caller
        first_no, first = numbered[0]
        last_no, last = numbered[-1]
        if not any(HEADER.fullmatch(line) or TRAILER.fullmatch(line) for _, line in numbered):
            return BARE
        header = HEADER.fullmatch(first)
        if header is None:
            raise FileError("missing CLEW header: the first line must be DATEmm/dd/yyyy hh:mm", first_no)
        try:
            dt.datetime.strptime(header.group(1), "%m/%d/%Y %H:%M")
        except ValueError:
            raise FileError(f"bad header date {header.group(1)!r}: expected MM/DD/YYYY hh:mm", first_no) from None
        trailer = TRAILER.fullmatch(last)
        if trailer is None:
            raise FileError("missing CLEW trailer: the last line must be TOTAL RECORD nnnnnnn", last_no)
        for no, line in numbered[1:-1]:
            if HEADER.fullmatch(line) or TRAILER.fullmatch(line):
                raise FileError("header or trailer in the middle of the file", no)
        records = len(numbered) - 2
        stated = int(trailer.group(1))
        if stated != records:
            raise FileError(f"trailer says {stated} records, the file has {records}", last_no)
        return None


IMPORTER = CaClewImporter()
