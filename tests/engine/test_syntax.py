"""The per-state format prior: pattern parsing and re-ranking that never forces a template."""

from __future__ import annotations

import pytest

from platewatch.engine.syntax import load_syntax, pattern_to_regex


@pytest.mark.parametrize(
    ("pattern", "regex"),
    [
        ("@@@####", "[A-Z][A-Z][A-Z][0-9][0-9][0-9][0-9]"),
        ("###[H-Y]@@", "[0-9][0-9][0-9][H-Y][A-Z][A-Z]"),
        ("?#", "[A-Z0-9][0-9]"),
    ],
)
def test_pattern_to_regex(pattern: str, regex: str) -> None:
    assert pattern_to_regex(pattern) == regex


def test_connecticut_formats() -> None:
    syntax = load_syntax("CT")
    assert syntax.matches("1ABCD2", "CT")
    assert syntax.matches("AB1234", "CT")
    assert not syntax.matches("ABC1234", "CT")
    assert syntax.matches("ABC1234", "BASE")


def test_rerank_prefers_a_close_candidate_that_fits() -> None:
    syntax = load_syntax("CT")
    # "AB1234" fits Connecticut, "A81234" fits nothing: a near tie goes to the plate that fits.
    ranked = syntax.rerank([("A81234", 0.40), ("AB1234", 0.35)])
    assert ranked[0][0] == "AB1234"
    assert dict(ranked)["A81234"] == 0.40  # confidences are unchanged


def test_rerank_never_forces_a_template() -> None:
    syntax = load_syntax("CT")
    ranked = syntax.rerank([("GOPATS", 0.9), ("G0PAT5", 0.05)])  # a vanity plate fitting no format
    assert ranked[0][0] == "GOPATS"


def test_classified_state_formats_count() -> None:
    syntax = load_syntax(None)
    assert syntax.prior("1ABC234", "CA") > syntax.prior("1ABC234", None) > 0
