"""Wildcard patterns: `*` any run, `?` exactly one character."""

from __future__ import annotations

import pytest

from platewatch.domain.patterns import parse_pattern
from platewatch.domain.plates import InvalidPlateError


@pytest.mark.parametrize(
    ("pattern", "plate", "matches"),
    [
        ("ABC1234", "ABC1234", True),
        ("ABC*", "ABC1234", True),
        ("*1234", "ABC1234", True),
        ("*C12*", "ABC1234", True),
        ("A?C1234", "ABC1234", True),
        ("A?C1234", "AC1234", False),
        ("ABC?", "ABC1234", False),
        ("*XYZ*", "ABC1234", False),
        ("abc-1*", "ABC1234", True),
        ("**C**", "ABC", True),
    ],
)
def test_matches(pattern: str, plate: str, matches: bool) -> None:
    assert parse_pattern(pattern).matches(plate) is matches


@pytest.mark.parametrize(
    ("pattern", "like", "prefix", "exact"),
    [("AB*", "AB%", "AB", False), ("A?C", "A_C", "A", False), ("ABC", "ABC", "ABC", True), ("*B", "%B", "", False)],
)
def test_sql_forms(pattern: str, like: str, prefix: str, exact: bool) -> None:
    p = parse_pattern(pattern)
    assert p.to_sql_like() == like
    assert p.prefix == prefix
    assert p.is_exact is exact


def test_literal_runs_longest_first() -> None:
    assert parse_pattern("A*BCD?E").literal_runs == ["BCD", "A", "E"]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [("", "empty"), ("*", "at least one"), ("??*", "at least one"), ("AB%", "'%'"), ("A" * 11, "at most 10")],
)
def test_bad_patterns(pattern: str, reason: str) -> None:
    with pytest.raises(InvalidPlateError, match=reason):
        parse_pattern(pattern)
