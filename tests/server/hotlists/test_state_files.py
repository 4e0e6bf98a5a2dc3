"""Importers against lines shaped as the states' real files are (issue 22): New Jersey MVC's record codes in the NCIC
layout, both published COLLECT layouts, and CLEW records without their extract's header and trailer."""

from __future__ import annotations

import pytest

from platewatch.domain.hotlists import Category, Vehicle
from platewatch.server.hotlists.importers import ImportRefused

from .fixtures import CLEW_EXAMPLE, clew, ct, ncic
from .test_formats import run


def ct_narrow(plate: str, usage: str = "Regular", year: str = "2012", status: str = "EX") -> str:
    """A COLLECT record as the published example line has it: 30-character text fields, 202 characters in all."""
    widths = (8, 30, 30, 30, 30, 30, 4, 30, 8, 2)
    values = (plate, "Passenger", "Toyota", "Camry", "4 Door Sedan", "Gray", year, usage, "20240630", status)
    return "".join(v.ljust(w) for v, w in zip(values, widths, strict=True))


def test_new_jersey_mvc_records_e_and_s_are_registrations() -> None:
    nj = [ncic("E000123456", "A12BCD", "NJ"), ncic("S000654321", "N34EFG", "NJ", vyr="2015", vma="HOND")]
    result = run("ncic_fixed", nj)  # NJ MVC: ORI and date of record empty
    assert result.problems == ()
    expired, suspended = result.entries
    assert (expired.plate, expired.state, expired.category) == ("A12BCD", "NJ", Category.REGISTRATION)
    assert expired.description == "Expired registration (NJ MVC)"
    assert suspended.category is Category.REGISTRATION and suspended.description == "Suspended registration (NJ MVC)"
    assert suspended.vehicle.year == "2015" and suspended.vehicle.make == "HOND"


def test_collect_takes_both_published_layouts_by_the_lines_length() -> None:
    narrow, wide = ct_narrow("AB12345"), ct("CD67890")
    assert (len(narrow), len(wide)) == (202, 209)
    trimmed = ct_narrow("EF11111", status="").rstrip()  # a blank status trimmed away: 200 characters
    result = run("ct_collect", [narrow, wide, trimmed])
    assert result.problems == ()
    by_plate = {e.plate: e for e in result.entries}
    assert by_plate["AB12345"].vehicle == Vehicle("2012", "Toyota", "Camry", "4 Door Sedan", "Gray")
    assert by_plate["AB12345"].description == "Expired registration (expired 2024-06-30, status EX, Regular)"
    assert by_plate["CD67890"].vehicle.year == "2012" and by_plate["EF11111"].vehicle.year == "2012"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (ct_narrow("AB12345").ljust(209), "bad vehicle year (31-character fields) 'Regul'"),  # padded: refused
        (ct_narrow("AB12345") + "XYZ", "a line of 205 characters fits no COLLECT layout"),
        (ct_narrow("AB12345")[:150], "truncated line: 150 characters"),
    ],
)
def test_a_collect_line_that_fits_neither_layout_is_refused_never_misread(line: str, reason: str) -> None:
    result = run("ct_collect", [ct("CD67890"), line])
    assert [e.plate for e in result.entries] == ["CD67890"]
    assert len(result.problems) == 1 and reason in result.problems[0].reason
    assert "202 (30-character fields)" in result.problems[0].reason or "Regul" in reason


def test_clew_records_alone_are_imported_and_the_report_says_the_count_was_not_checked() -> None:
    result = run("ca_clew", [CLEW_EXAMPLE])
    assert [(e.plate, e.state, e.category) for e in result.entries] == [("ABC123", "CA", Category.STOLEN_VEHICLE)]
    (note,) = result.problems
    assert note.line_no == 0 and "without the extract's DATE header and TOTAL RECORD trailer" in note.reason
    assert result.bad_lines == 0
    with pytest.raises(ImportRefused, match="missing CLEW trailer"):  # half a frame is a cut file: refused
        run("ca_clew", ["DATE07/02/2018 09:00", CLEW_EXAMPLE, clew("7XYZ123", "CA", "", "20180701")])
    framed = run("ca_clew", ["DATE07/02/2018 09:00", CLEW_EXAMPLE, "TOTAL RECORD 0000001"])
    assert framed.problems == () and len(framed.entries) == 1
