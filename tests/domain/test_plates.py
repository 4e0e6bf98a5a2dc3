"""Plate normalization, look-alike classes, one-edit distance and state codes, as literal tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platewatch.domain.plates import (
    InvalidPlateError,
    canonical,
    deletion_neighbourhood,
    lookalike_equal,
    lookalikes,
    normalize_plate,
    within_one_edit,
)
from platewatch.domain.states import UnknownStateError, is_state, normalize_state


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abc1234", "ABC1234"),
        ("ABC 1234", "ABC1234"),
        ("abc-1234", "ABC1234"),
        ("ab.c 12-34", "ABC1234"),
        (" 7 ", "7"),
        ("1", "1"),
        ("12345678", "12345678"),
        ("ABCDEFGHIJ", "ABCDEFGHIJ"),
    ],
)
def test_normalize_accepts(raw: str, expected: str) -> None:
    assert normalize_plate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("  - . ", "empty"),
        ("ABC\x001234", "control character"),
        ("ABC\n123", "control character"),
        ("ABC\u200b123", "control character"),
        ("A" * 20, "20 characters"),
        ("ABCDEFGHIJK", "11 characters"),
        ("ABC*123", "'*'"),
        ("ÄBC123", "'Ä'"),
        ("ABC_123", "'_'"),
    ],
)
def test_normalize_rejects_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPlateError, match=reason):
        normalize_plate(raw)


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("B0S", "8O5", True),
        ("1LT", "I17", False),  # 7 is in the 7/Y class, not 1/I/L/T
        ("1LT", "IIT", True),
        ("UV2", "VUZ", True),
        ("ABC", "ABCD", False),
        ("DQ0", "OOO", True),
        ("ABC", "XYZ", False),
    ],
)
def test_lookalike_equal(a: str, b: str, equal: bool) -> None:
    assert lookalike_equal(a, b) is equal


def test_lookalike_classes_cover_the_usual_confusions() -> None:
    for a, b in ["0O", "0D", "0Q", "1I", "1L", "1T", "2Z", "5S", "8B", "6G", "UV"]:
        assert b in lookalikes(a), (a, b)
    assert lookalikes("#") == frozenset("#")


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("ABC1234", "ABC1234", True),
        ("ABC1234", "ABC1235", True),  # substitution
        ("ABC1234", "ABC123", True),  # deletion
        ("ABC123", "ABXC123", True),  # insertion
        ("ABC1234", "ABD1235", False),
        ("ABC1234", "AB1234X", False),
        ("A", "", True),
        ("AB", "BA", False),
    ],
)
def test_within_one_edit(a: str, b: str, near: bool) -> None:
    assert within_one_edit(a, b) is near
    assert within_one_edit(b, a) is near


def test_deletion_neighbourhood() -> None:
    assert deletion_neighbourhood("AB1") == {"AB1", "B1", "A1", "AB"}


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=8))
def test_canonical_is_idempotent_and_length_preserving(plate: str) -> None:
    c = canonical(plate)
    assert canonical(c) == c
    assert len(c) == len(plate)
    assert lookalike_equal(plate, c)


@pytest.mark.parametrize(("raw", "code"), [("ct", "CT"), (" CT ", "CT"), ("us-ct", "CT"), ("DC", "DC"), ("pr", "PR")])
def test_states(raw: str, code: str) -> None:
    assert normalize_state(raw) == code
    assert is_state(raw)


@pytest.mark.parametrize("raw", ["XX", "", "Connecticut", "us-zz"])
def test_unknown_states(raw: str) -> None:
    with pytest.raises(UnknownStateError, match="unknown"):
        normalize_state(raw)


def test_the_one_edit_neighbourhood_is_every_canonical_plate_within_one_edit() -> None:
    import itertools

    from platewatch.domain.plates import CANONICAL_ALPHABET, canonical, one_edit_neighbourhood, within_one_edit

    assert len(CANONICAL_ALPHABET) == 18 and canonical(CANONICAL_ALPHABET) == CANONICAL_ALPHABET
    for plate in ("B8", "O", "7Y"):
        everything = {
            "".join(p) for n in range(1, 4) for p in itertools.product(CANONICAL_ALPHABET, repeat=n)
        }  # every canonical plate of 1-3 characters
        expected = {s for s in everything if within_one_edit(canonical(plate), s)}
        assert one_edit_neighbourhood(plate) == expected, plate
    assert max(len(s) for s in one_edit_neighbourhood("ABCDEFGHIJ")) == 10  # never longer than a plate can be
    assert "" not in one_edit_neighbourhood("A")
