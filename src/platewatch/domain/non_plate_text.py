"""Readings that are not plates: words printed on roads and signs, and dates or times burned into a photo."""

from __future__ import annotations

import datetime
import re

from platewatch.domain.plates import canonical, within_one_edit

SIGN_WORDS: frozenset[str] = frozenset(
    {
        # road markings painted on the lane
        "ONLY",
        "STOP",
        "SLOW",
        "XING",
        "AHEAD",
        "SCHOOL",
        "YIELD",
        "CLEAR",
        "LANE",
        # regulatory and warning signs
        "EXIT",
        "ENTER",
        "ENTRANCE",
        "ONEWAY",
        "WRONGWAY",
        "SPEED",
        "LIMIT",
        "DETOUR",
        "CLOSED",
        "CAUTION",
        "WARNING",
        "DANGER",
        # parking and property signs
        "PARKING",
        "RESERVED",
        "PERMIT",
        "TOWAWAY",
        "LOADING",
        "PRIVATE",
        "PROPERTY",
        "NOTICE",
        "VISITOR",
        "VISITORS",
    }
)
"""Words printed on roads and signs, written as a reader returns them (no spaces).

On real photos the readings that became passes without being plates were lane markings and signs (`ONLY`
three times, `PRIVATE`, `N0TCE` for NOTICE). Vanity plates can be words, so the list holds only words that
roads and signs print in letters large enough for a camera to read, of four letters or more (three-letter
words such as BUS or MPH are too close to real plates). A vanity plate that spells one of them is then not
reported as a pass unless one of its frames raised a hit (the tracker keeps those)."""

MIN_YEAR, MAX_YEAR = 1990, 2049
"""Years a camera's date stamp plausibly shows."""

_SEPARATED_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
_COLON_TIME = re.compile(r"\d{1,2}:\d{2}")
_CANONICAL_WORDS = tuple((word, canonical(word)) for word in sorted(SIGN_WORDS))
_DIGIT_LETTERS = str.maketrans("01245678", "OIZASGTB")
"""Each digit as the letter a reader trained on plates makes of it on a sign."""


def is_non_plate_text(text: str) -> bool:
    """True when `text` reads as a road or sign word or a burned-in date or time, not a plate; text that
    still carries a time's colons or a date's separators (`17:42`, `2014-05-13`) is a stamp."""
    if _SEPARATED_DATE.search(text) or _COLON_TIME.search(text):
        return True
    plain = "".join(ch for ch in text.upper() if ch.isalnum())
    return is_sign_word(plain) or is_date_stamp(plain)


def is_sign_word(text: str) -> bool:
    """True when `text` (upper case, letters and digits) is a road or sign word, look-alikes taken as equal.

    Their look-alike canonical forms (`plates.canonical`: O/0, I/1, S/5…) must be equal, with at most one
    digit in the reading per three letters of the word: a reader trained on plates turns a sign's O into 0.
    For words of six letters or more a reading one edit away (a letter lost or misread: `N0TCE`) matches too,
    its digits read as the letters they resemble but its letters as they are: one edit *and* letter
    look-alikes (C/E, P/R…) reach real plates (`PRIVAC`, a vanity plate PRIVACY read short, is one edit from
    PRIVATE's canonical form). Shorter words must match whole, because one edit from a four-letter word
    reaches many real plates."""
    digits = sum(ch.isdigit() for ch in text)
    shape, letters = canonical(text), text.translate(_DIGIT_LETTERS)
    for word, word_shape in _CANONICAL_WORDS:
        if digits > len(word) // 3:
            continue
        if shape == word_shape:
            return True
        if len(word) >= 6 and len(text) >= 5 and within_one_edit(letters, word):
            return True
    return False


def is_date_stamp(text: str) -> bool:
    """True when `text` (upper case, letters and digits) is an 8-digit date, or such a date and a time.

    The date is a calendar date from `MIN_YEAR` to `MAX_YEAR` as YYYYMMDD, MMDDYYYY or DDMMYYYY (look-alike
    letters taken as digits, at most two of them), as a camera stamps it (`20140513` on a real photo): plates
    of eight digits are rare, and few of them are such dates. A date followed by HHMM or HHMMSS (12 or 14
    characters) is a stamp too. Six digits alone (HHMMSS or YYMMDD) are *not*: about one in twelve numeric
    six-digit plates (Delaware, Rhode Island, older issues) is a valid time of day."""
    shape = canonical(text)
    if not shape.isdigit() or sum(not ch.isdigit() for ch in text) > 2:
        return False
    if len(shape) == 8:
        return _is_date(shape)
    if len(shape) in (12, 14):
        return _is_date(shape[:8]) and _is_time(shape[8:])
    return False


def _is_date(digits: str) -> bool:
    """An eight-digit calendar date as YYYYMMDD, MMDDYYYY or DDMMYYYY, in the years a stamp shows."""
    layouts = (
        (digits[:4], digits[4:6], digits[6:]),  # YYYYMMDD
        (digits[4:], digits[:2], digits[2:4]),  # MMDDYYYY
        (digits[4:], digits[2:4], digits[:2]),  # DDMMYYYY
    )
    return any(_valid_date(int(y), int(m), int(d)) for y, m, d in layouts)


def _valid_date(year: int, month: int, day: int) -> bool:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _is_time(digits: str) -> bool:
    """HHMM or HHMMSS on a 24-hour clock."""
    parts = [int(digits[i : i + 2]) for i in range(0, len(digits), 2)]
    return parts[0] <= 23 and all(p <= 59 for p in parts[1:])
