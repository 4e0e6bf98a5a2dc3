"""Wildcard plate patterns for partial-plate search: `*` any run of characters, `?` exactly one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from platewatch.domain.plates import ALLOWED, MAX_PLATE_LENGTH, SEPARATORS, InvalidPlateError

WILDCARD_ANY = "*"
WILDCARD_ONE = "?"


@dataclass(frozen=True, slots=True)
class PlatePattern:
    """A normalized search pattern and what kind of search it needs."""

    text: str

    @property
    def is_exact(self) -> bool:
        return WILDCARD_ANY not in self.text and WILDCARD_ONE not in self.text

    @property
    def literal_runs(self) -> list[str]:
        """The runs of plain characters between wildcards (longest first) — useful for index lookups."""
        runs = [r for r in re.split(r"[*?]+", self.text) if r]
        return sorted(runs, key=len, reverse=True)

    @property
    def prefix(self) -> str:
        """The plain characters before the first wildcard."""
        return re.split(r"[*?]", self.text, maxsplit=1)[0]

    def to_regex(self) -> re.Pattern[str]:
        parts = []
        for ch in self.text:
            if ch == WILDCARD_ANY:
                parts.append(".*")
            elif ch == WILDCARD_ONE:
                parts.append(".")
            else:
                parts.append(re.escape(ch))
        return re.compile("^" + "".join(parts) + "$")

    def to_sql_like(self) -> str:
        """The equivalent SQL LIKE pattern (plates never contain % or _)."""
        return self.text.replace(WILDCARD_ANY, "%").replace(WILDCARD_ONE, "_")

    def matches(self, plate: str) -> bool:
        return self.to_regex().match(plate) is not None


def parse_pattern(raw: str) -> PlatePattern:
    """Normalize a user's pattern: upper-case, separators dropped, repeated `*` collapsed.

    Raises InvalidPlateError when the pattern holds other characters, has no plain character at all,
    or could never match a plate (more fixed positions than a plate has).
    """
    value = "".join(ch for ch in raw.strip().upper() if ch not in SEPARATORS)
    value = re.sub(r"\*+", "*", value)
    if not value:
        raise InvalidPlateError("pattern is empty")
    bad = sorted({ch for ch in value if ch not in ALLOWED and ch not in (WILDCARD_ANY, WILDCARD_ONE)})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise InvalidPlateError(f"pattern contains characters not used on plates: {shown}")
    fixed = sum(1 for ch in value if ch != WILDCARD_ANY)
    if fixed > MAX_PLATE_LENGTH:
        raise InvalidPlateError(f"pattern needs {fixed} characters; plates have at most {MAX_PLATE_LENGTH}")
    if not any(ch in ALLOWED for ch in value):
        raise InvalidPlateError("pattern needs at least one letter or digit")
    return PlatePattern(value)
