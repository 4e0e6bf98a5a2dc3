"""Shared field helpers: list texts to categories, dates, years, columns."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.hotlists import Category
from platewatch.server.hotlists.importers import LineError, fields


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("STOLEN LICENSE PLATE", Category.STOLEN_PLATE),
        ("Stolen Tag", Category.STOLEN_PLATE),
        ("STOLEN VEHICLE", Category.STOLEN_VEHICLE),
        ("Stolen/Car Jacking", Category.STOLEN_VEHICLE),
        ("AMBER ALERT", Category.AMBER),
        ("Silver Alert", Category.SILVER),
        ("MISSING PERSON", Category.MISSING_PERSON),
        ("Sexual Offender", Category.SEX_OFFENDER),
        ("PROTECTION ORDER", Category.PROTECTION_ORDER),
        ("Felony Warrant", Category.WANTED_PERSON),
        ("WANTED PERSON", Category.WANTED_PERSON),
        ("Gang Member", Category.GANG_TERRORIST),
        ("Suspended License", Category.SUSPENDED_LICENSE),
        ("EXPIRED REGISTRATION", Category.REGISTRATION),
        ("stolen_vehicle", Category.STOLEN_VEHICLE),
        ("bolo", Category.BOLO),
        ("Permit", Category.OTHER),
        ("", Category.OTHER),
    ],
)
def test_category_from_text(text: str, category: Category) -> None:
    assert fields.category_from_text(text) is category


def test_dates() -> None:
    assert fields.date("20190509", "d") == dt.date(2019, 5, 9)
    assert fields.date("  ", "d") is None
    assert fields.date("00000000", "d") is None
    with pytest.raises(LineError, match=r"bad d '20190230': expected YYYYMMDD"):
        fields.date("20190230", "d")


def test_years_and_states() -> None:
    assert fields.year(" 2009", "y") == "2009"
    assert fields.year("", "y") == ""
    with pytest.raises(LineError, match="expected four digits"):
        fields.year("09", "y")
    assert fields.state("0K", zero_fix=True) == "OK"
    assert fields.state(" ", required=False) is None
    with pytest.raises(LineError, match="plate state is empty"):
        fields.state("")
    with pytest.raises(LineError, match="unknown plate state '0H'"):
        fields.state("0H")  # the zero fix applies only where a layout says so


def test_columns_allow_one_trailing_delimiter_and_quotes() -> None:
    assert fields.columns('a;"b;c";', 2, ";") == ["a", "b;c"]
    assert fields.columns(" a , b ", 2) == ["a", "b"]
    with pytest.raises(LineError, match="expected 2 columns, found 3"):
        fields.columns("a,b,c", 2)
