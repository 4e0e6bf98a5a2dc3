"""Each hot-list category has words for a page, and a code no release knows still reads as words."""

from __future__ import annotations

from platewatch.domain.hotlists import CATEGORY_WORDS, Category, category_words


def test_every_category_has_its_words() -> None:
    assert set(CATEGORY_WORDS) == set(Category)
    assert category_words("stolen_vehicle") == "stolen vehicle"
    assert category_words("bolo") == "be on the lookout"
    assert all("_" not in words for words in CATEGORY_WORDS.values())


def test_an_unknown_code_is_shown_as_words() -> None:
    assert category_words("towed_vehicle") == "towed vehicle"
