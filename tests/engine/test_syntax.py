"""The per-state format prior: pattern parsing and re-ranking that never forces a template."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platewatch.engine.syntax import load_syntax, pattern_to_regex, run_consistent, same_glyph_variants
from platewatch.engine.types import NOT_US


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
    assert [t for t, _ in ranked][:2] == ["G0PATS", "GOPATS"]  # its letters stay; its round glyph is written 0


@pytest.mark.parametrize(
    ("candidates", "state", "expected"),
    [
        ([("OUTFR0NT", 0.6), ("0UTFR0NT", 0.3)], "TN", ("0UTFR0NT", 0.9)),  # a vanity word: the labels' `0`
        ([("CUSTOM", 0.7)], "FL", ("CUST0M", 0.7)),  # pooled with no other reading
        ([("NOX218", 0.8), ("N0X218", 0.1)], "AR", ("NOX218", 0.9)),  # a format says letter: pooled as before
        ([("IM4REAL", 0.8)], "CA", ("IM4REAL", 0.8)),  # no O: unchanged (I is written I in vanity words)
    ],
)
def test_a_vanity_plates_round_glyph_is_written_0(
    candidates: list[tuple[str, float]], state: str, expected: tuple[str, float]
) -> None:
    # Rule GLYPH-1: of the US train labels that fit no format, all 24 with a round glyph write it `0`, none `O`.
    ranked = load_syntax("CT").rerank(candidates, state)
    assert ranked[0][0] == expected[0] and ranked[0][1] == pytest.approx(expected[1])
    assert {t for t, _ in candidates} <= {t for t, _ in ranked}  # the O reading stays a candidate


def test_classified_state_formats_count() -> None:
    syntax = load_syntax(None)
    assert syntax.prior("1ABC234", "CA") > syntax.prior("1ABC234", None) > 0


def test_same_glyph_variants() -> None:
    assert sorted(same_glyph_variants("O1A")) == ["01A", "0IA", "OIA"]
    assert same_glyph_variants("ABC") == []
    assert same_glyph_variants("OOOOO") == []  # past MAX_SWAPS: no 2**n explosion


def test_look_alikes_are_decided_by_the_classified_state() -> None:
    syntax = load_syntax("CT")
    # Louisiana is @@@###: O and 0 look the same, so the reader's split gives way to the format.
    ranked = syntax.rerank([("0QK466", 0.6), ("OQK466", 0.3)], "LA")
    assert ranked[0] == ("OQK466", pytest.approx(0.9))
    # A look-alike the beam search dropped joins when it fits (West Virginia: [1-9DON]@@###).
    ranked = syntax.rerank([("0AM145", 0.8), ("0AM45", 0.1)], "WV")
    assert ranked[0][0] == "OAM145"
    assert "0AM145" in dict(ranked)


def test_look_alikes_never_force_a_template() -> None:
    syntax = load_syntax("CT")
    # A vanity plate that fits no Florida format: no format decides, its round glyph is written 0 (GLYPH-1).
    assert syntax.rerank([("CUSTOM", 0.6), ("CUST0M", 0.3)], "FL")[0][0] == "CUST0M"
    # Other states' formats do not decide look-alikes: only the classified (or home) state's.
    assert syntax.rerank([("W16627", 0.7), ("WI6627", 0.2)], "AZ")[0][0] == "W16627"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KMB0RAK", "KMBORAK"),  # a 0 between letters is the letter
        ("RK0992", "RK0992"),  # at a letter/digit boundary: no change is simpler
        ("AB1O34", "AB1034"),  # an O between digits is the digit
        ("LM01OBE", "LM01OBE"),  # a tie keeps the reader's reading
        ("W0B1", "WOB1"),
    ],
)
def test_run_consistent(text: str, expected: str) -> None:
    assert run_consistent(text) == expected


def test_foreign_plates_use_runs_not_us_formats() -> None:
    syntax = load_syntax("CT")
    ranked = syntax.rerank([("KMB0RAK", 0.6), ("KMBORAK", 0.3), ("KMB0RA", 0.05)], NOT_US)
    assert ranked[0] == ("KMBORAK", pytest.approx(0.9))
    assert [t for t, _ in ranked[1:]] == ["KMB0RAK", "KMB0RA"]
    # A Connecticut-looking reading gets no home-state bonus on a plate the classifier calls foreign.
    assert syntax.rerank([("A81234", 0.40), ("AB1234", 0.35)], NOT_US)[0][0] == "A81234"
    assert syntax.rerank([], NOT_US) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9))
def test_one_regex_per_state_matches_exactly_what_its_formats_match(text: str) -> None:
    syntax = load_syntax("CT")
    for region, formats in syntax.formats.items():
        assert syntax.matches(text, region) == any(rx.fullmatch(text) for rx in formats)
    assert syntax.fits_any(text) == any(rx.fullmatch(text) for rxs in syntax.formats.values() for rx in rxs)


def test_state_formats_by_literal_plates() -> None:
    syntax = load_syntax("CT")
    assert syntax.matches("AB1234", "ct") and not syntax.matches("AB12345", "ct")  # @@#### is a CT format
    assert not syntax.matches("AB1234", "ZZ")  # a region with no formats matches nothing
    assert syntax.fits_any("1ABC234") and not syntax.fits_any("A")


def test_a_classified_state_outranks_the_home_states_formats() -> None:
    # Rule SYNTAX-1: `7BPDO6` fits Connecticut's #@@@@#, `7BPD06` a Maryland format; the classifier named Maryland.
    syntax = load_syntax("CT")
    read = [("7BPDO6", 0.5), ("7BPD06", 0.3)]
    assert syntax.rerank(read, "MD")[0] == ("7BPD06", pytest.approx(0.8))  # O/0 pooled, as one glyph
    assert syntax.prior("7BPDO6", "MD") < syntax.prior("7BPD06", "MD")
    # With no state classified, or the home state, the home state's formats count as before.
    assert syntax.rerank(read, None)[0][0] == "7BPDO6"
    assert syntax.rerank(read, "CT")[0][0] == "7BPDO6"
    assert syntax.prior("7BPDO6", None) == syntax.prior("7BPDO6", "ct") > syntax.prior("7BPDO6", "MD")
