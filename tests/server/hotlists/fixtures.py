"""Builders for fixed-width hot-list lines, from the documented layouts."""

from __future__ import annotations

NCIC_EXAMPLE = "V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK"
NY_EXAMPLE = "ABC1234   NYPASXBUICWH"
CLEW_EXAMPLE = "ABC123  CA0120180627"


def ncic(
    nic: str,
    plate: str,
    state: str,
    *,
    ori: str = "",
    date: str = "",
    liy: str = "",
    lit: str = "",
    vyr: str = "",
    vma: str = "",
    vmo: str = "",
    vst: str = "",
    vco: str = "",
    extra: str = "",
) -> str:
    """An NCIC LPR-extract record (widths 10 9 8 10 2 4 2 4 4 3 2 7, then MI's description)."""
    widths = (10, 9, 8, 10, 2, 4, 2, 4, 4, 3, 2, 7)
    values = (nic, ori, date, plate, state, liy, lit, vyr, vma, vmo, vst, vco)
    line = "".join(v.ljust(w) for v, w in zip(values, widths, strict=True))
    return (line + extra).rstrip() if extra else line


def ny(plate: str, state: str, vtype: str, code: str, make: str = "", colour: str = "") -> str:
    return plate.ljust(10) + state.ljust(2) + vtype.ljust(3) + code + make.ljust(4) + colour


def clew(plate: str, state: str, county: str, date: str) -> str:
    return plate.ljust(8) + state.ljust(2) + county.ljust(2) + date


def ct(
    plate: str,
    plate_class: str = "PASSENGER",
    make: str = "TOYOTA",
    model: str = "CAMRY",
    style: str = "SEDAN 4 DOOR",
    colour: str = "GRAY",
    year: str = "2012",
    usage: str = "PRIVATE",
    expiration: str = "20240630",
    status: str = "EX",
) -> str:
    """A COLLECT record: 1-based positions 1-8, 9-38, 39-69, 70-100, 101-131, 132-162, 163-167, 168-198, 199-207,
    208-209."""
    widths = (8, 30, 31, 31, 31, 31, 5, 31, 9, 2)
    values = (plate, plate_class, make, model, style, colour, year, usage, expiration, status)
    return "".join(v.ljust(w) for v, w in zip(values, widths, strict=True))
