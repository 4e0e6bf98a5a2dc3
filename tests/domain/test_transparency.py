"""Search purposes in public categories, with literal purposes."""

from __future__ import annotations

import pytest

from platewatch.domain.transparency import OTHER, purpose_category


@pytest.mark.parametrize(
    ("purpose", "category"),
    [
        ("AMBER alert 26-0042, child abduction", "missing or endangered person (AMBER, SILVER)"),
        ("Stolen vehicle report follow-up", "stolen vehicle or plate"),
        ("armed robbery suspect vehicle, case 2026-3001", "violent crime"),
        ("burglary series, suspect vehicle", "property crime"),
        ("serve arrest warrant 26-CR-14", "wanted person or warrant"),
        ("hit and run on Route 123", "traffic crash or hit and run"),
        ("recovered vehicle check", "stolen vehicle or plate"),
        ("neighbourhood canvass", OTHER),
        ("parolee absconded", "wanted person or warrant"),
        ("unassaulted words do not count: classroom", OTHER),
    ],
)
def test_a_purpose_falls_in_the_first_category_it_names(purpose: str, category: str) -> None:
    assert purpose_category(purpose) == category
