"""Combining the readings of several crops of one plate (`reader.vote`): literal readings in, one reading out."""

from __future__ import annotations

from platewatch.engine.reader import vote
from platewatch.engine.types import Candidate, OcrResult


def reading(*cands: tuple[str, float], chars: tuple[float, ...] = ()) -> OcrResult:
    text, conf = cands[0]
    return OcrResult(text, conf, chars or tuple(0.9 for _ in text), tuple(Candidate(t, c) for t, c in cands))


def test_one_crop_is_its_own_reading() -> None:
    one = reading(("6ZR4117", 0.7), ("6ZR4I17", 0.2))
    assert vote([one]) is one


def test_the_text_the_crops_agree_on_wins_over_one_crops_favourite() -> None:
    narrow = reading(("WS03021", 0.55), ("WSQ3021", 0.40))
    shipped = reading(("WSQ3021", 0.60), ("WS03021", 0.35), chars=(0.9, 0.9, 0.5, 0.9, 0.9, 0.9, 0.9))
    wide = reading(("WSQ3021", 0.50), ("WS03021", 0.45))
    out = vote([narrow, shipped, wide])
    assert out.text == "WSQ3021" and out.confidence == (0.40 + 0.60 + 0.50) / 3
    assert out.char_confidences == (0.9, 0.9, 0.5, 0.9, 0.9, 0.9, 0.9)  # from the first crop that read it first
    assert [c.text for c in out.candidates] == ["WSQ3021", "WS03021"]
    assert out.candidates[1].confidence == round((0.55 + 0.35 + 0.45) / 3, 4)


def test_a_text_only_one_crop_lists_counts_zero_in_the_others() -> None:
    out = vote([reading(("ABC123", 0.9)), reading(("ABC128", 0.5), ("ABC123", 0.3))], topn=5)
    assert (out.text, out.confidence) == ("ABC123", 0.6)
    assert [(c.text, c.confidence) for c in out.candidates] == [("ABC123", 0.6), ("ABC128", 0.25)]


def test_a_tie_goes_to_the_first_crops_reading_and_topn_cuts_the_list() -> None:
    out = vote([reading(("AAA111", 0.5), ("BBB222", 0.1)), reading(("BBB222", 0.5), ("AAA111", 0.1))], topn=1)
    assert out.text == "AAA111" and [c.text for c in out.candidates] == ["AAA111"]
