"""Readings that are not plates (sign words, date stamps) against real plates, as literal tables."""

from __future__ import annotations

import pytest

from platewatch.domain.non_plate_text import is_date_stamp, is_non_plate_text, is_sign_word


@pytest.mark.parametrize(
    "text",
    [
        "ONLY",  # a lane marking, read three times on real photos
        "0NLY",  # its O read as a zero
        "PRIVATE",
        "N0TCE",  # NOTICE with a letter lost and O read as a zero
        "NOTICE",
        "STOP",
        "5TOP",
        "SCHOOL",
        "SCH00L",
        "PARK1NG",
        "NOTIC",
        "PARKNG",  # a letter lost from a long word
        "TOWAWAY",
        "ONEWAY",
        "RESERVED",
        "RE5ERV3D",  # a look-alike and a misread letter
        "only",
        "ONLY ",
    ],
)
def test_sign_words_are_not_plates(text: str) -> None:
    assert is_non_plate_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "20140513",  # a camera's date stamp read on a real photo
        "05132014",  # MMDDYYYY
        "13052014",  # DDMMYYYY
        "2O14O513",  # look-alike letters for digits
        "19991231",
        "20491231",
        "201405131742",  # date and HHMM
        "20140513174259",  # date and HHMMSS
        "2014-05-13",
        "05/13/2014",
        "17:42:59",
        "17:42",
    ],
)
def test_date_stamps_are_not_plates(text: str) -> None:
    assert is_non_plate_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "ABC1234",
        "7XK421",
        "KT4410",
        "8TRK455",
        "6725SC",
        "IM4REAL",  # a vanity plate of a word not on signs
        "ONLY1U",  # a sign word inside a longer vanity plate
        "0N17",  # ONLY's shape with two digits: a plate
        "EX11",  # EXIT's shape with two digits
        "ST0P12",
        "174259",  # six digits that are a valid time: one numeric plate in twelve is
        "140513",  # six digits that are a valid YYMMDD date
        "12345678",  # eight digits, no date
        "19000101",  # a date before cameras stamped photos
        "20501231",  # a date past the stamps' years
        "20140231",  # no 31st of February
        "2O14O5IZ",  # three look-alike letters: not a stamp
        "20140513999",  # eleven digits: no date-and-time layout
        "ABCD12",
        "PRIVAC",  # a vanity plate PRIVACY read short on a stand-in clip: one edit *and* C/E from PRIVATE
        "PRIVACY",
        "",
    ],
)
def test_plates_are_plates(text: str) -> None:
    assert not is_non_plate_text(text)


def test_short_words_must_match_whole() -> None:
    assert is_sign_word("ONLY")
    assert not is_sign_word("ONL")  # a letter lost from a four-letter word could be any plate
    assert not is_sign_word("ONLYS")
    assert not is_sign_word("STO9")
    assert is_sign_word("PRIVAT")  # a letter lost from a seven-letter word
    assert is_sign_word("PR1VATE")
    assert is_sign_word("PR1VAT")  # a digit for a letter, and a letter lost
    assert not is_sign_word("PRIVAC")  # a letter lost, and C for E: two steps from the word
    assert not is_sign_word("PRIV")


def test_date_stamp_needs_eight_digits_or_a_date_and_time() -> None:
    assert is_date_stamp("20140513")
    assert not is_date_stamp("2014051")
    assert not is_date_stamp("201405132")
    assert not is_date_stamp("201405132599")  # hour 25
    assert not is_date_stamp("201405131760")  # minute 60
