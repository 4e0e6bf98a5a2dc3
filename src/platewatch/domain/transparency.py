"""The public transparency report's rules (issue 25): a search's stated purpose put in a category the public can read,
without the purpose's words (which may name a case or a person). Pure."""

from __future__ import annotations

import re

CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("missing or endangered person (AMBER, SILVER)", ("amber", "silver", "missing", "abduct", "runaway", "endangered")),
    ("stolen vehicle or plate", ("stolen", "theft", "carjack", "recover")),
    ("wanted person or warrant", ("warrant", "wanted", "fugitive", "absconder", "parole", "probation")),
    ("violent crime", ("homicide", "murder", "shooting", "assault", "robbery", "kidnap", "sexual")),
    ("property crime", ("burglary", "larceny", "vandal", "fraud", "shoplift")),
    ("traffic crash or hit and run", ("hit and run", "hit-and-run", "crash", "collision", "accident", "dui", "oui")),
)
OTHER = "other investigation"
"""A purpose that names none of the above."""


def purpose_category(purpose: str) -> str:
    """The first category whose words a purpose names (whole words or their start, any case), else OTHER."""
    text = purpose.lower()
    for category, words in CATEGORIES:
        if any(re.search(r"\b" + re.escape(w), text) for w in words):
            return category
    return OTHER
