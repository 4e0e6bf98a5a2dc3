"""Plate text: normalization, validation, look-alike classes and canonical forms."""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

MIN_PLATE_LENGTH = 1
MAX_PLATE_LENGTH = 10
"""US plates carry up to 8 characters; NCIC's LIC field holds 10. Longer is not a plate."""

ALLOWED = frozenset(string.ascii_uppercase + string.digits)
SEPARATORS = frozenset(" -.·•")

# Characters that OCR (and people) confuse on plates. Each class maps to one canonical character so
# that two plates which differ only by look-alikes have the same canonical form.
LOOKALIKE_CLASSES: tuple[frozenset[str], ...] = (
    frozenset("0ODQ"),
    frozenset("1ILT"),
    frozenset("2Z"),
    frozenset("5S"),
    frozenset("8B"),
    frozenset("6G"),
    frozenset("UV"),
    frozenset("4A"),
    frozenset("7Y"),
    frozenset("MN"),
    frozenset("KX"),
    frozenset("PR"),
    frozenset("CE"),
    frozenset("HW"),
)

_CANONICAL: dict[str, str] = {}
for _cls in LOOKALIKE_CLASSES:
    _rep = min(_cls)
    for _ch in _cls:
        if _ch in _CANONICAL:
            raise RuntimeError(f"look-alike classes overlap on {_ch!r}")
        _CANONICAL[_ch] = _rep


_NORMALIZED = re.compile(f"[A-Z0-9]{{{MIN_PLATE_LENGTH},{MAX_PLATE_LENGTH}}}")


class InvalidPlateError(ValueError):
    """Text that is not a plausible licence plate; the message says why."""


@dataclass(frozen=True, slots=True)
class PlateText:
    """A normalized plate: upper-case letters and digits only."""

    value: str

    def __str__(self) -> str:
        return self.value


def normalize_plate(raw: str) -> str:
    """Upper-case `raw`, drop spaces, dashes and dots, and check that what is left can be a plate.

    Raises InvalidPlateError naming the problem: empty, too long, control characters, or characters
    that never appear on a US plate.
    """
    if not isinstance(raw, str):
        raise InvalidPlateError(f"plate must be text, not {type(raw).__name__}")
    if _NORMALIZED.fullmatch(raw):
        return raw  # the usual case (units send normalized text): skip the character-by-character checks
    for ch in raw:
        if unicodedata.category(ch).startswith("C"):
            raise InvalidPlateError(f"plate contains a control character (U+{ord(ch):04X})")
    value = "".join(ch for ch in raw.upper() if ch not in SEPARATORS)
    if len(value) < MIN_PLATE_LENGTH:
        raise InvalidPlateError("plate is empty")
    if len(value) > MAX_PLATE_LENGTH:
        raise InvalidPlateError(f"plate has {len(value)} characters; at most {MAX_PLATE_LENGTH} allowed")
    bad = sorted({ch for ch in value if ch not in ALLOWED})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise InvalidPlateError(f"plate contains characters not used on plates: {shown}")
    return value


def is_plausible_plate(raw: str) -> bool:
    """True when `raw` normalizes to a plate."""
    try:
        normalize_plate(raw)
    except InvalidPlateError:
        return False
    return True


_CANONICAL_TABLE = str.maketrans(_CANONICAL)


def canonical(plate: str) -> str:
    """Map every character to its look-alike class representative ("8O5" and "B0S" agree)."""
    return plate.translate(_CANONICAL_TABLE)


def lookalikes(ch: str) -> frozenset[str]:
    """All characters confusable with `ch`, itself included."""
    for cls in LOOKALIKE_CLASSES:
        if ch in cls:
            return cls
    return frozenset(ch)


def lookalike_equal(a: str, b: str) -> bool:
    """True when `a` and `b` differ only by look-alike characters."""
    return len(a) == len(b) and canonical(a) == canonical(b)


def within_one_edit(a: str, b: str) -> bool:
    """True when `a` becomes `b` by at most one substitution, insertion or deletion."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1
    if la > lb:
        a, b, la, lb = b, a, lb, la
    # b is one longer: find the first difference and skip it in b.
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def similar_plates(a: str, b: str) -> bool:
    """Readings that may be one plate: look-alike characters (O/0, B/8…) taken as equal, at most one edit apart."""
    return within_one_edit(canonical(a), canonical(b))


CANONICAL_ALPHABET: str = "".join(sorted({canonical(ch) for ch in ALLOWED}))
"""The characters a canonical plate is written in: one representative of each look-alike class, and the rest."""


def one_edit_neighbourhood(plate: str) -> set[str]:
    """Every canonical plate within one substitution, insertion or deletion of `plate`'s canonical form (itself
    included), 1 to MAX_PLATE_LENGTH characters: what a look-alike search looks up, string by string, on an index.
    A 7-character plate has about 270."""
    c = canonical(plate)
    out = {c}
    for i in range(len(c)):
        out.add(c[:i] + c[i + 1 :])
        out.update(c[:i] + ch + c[i + 1 :] for ch in CANONICAL_ALPHABET)
    if len(c) < MAX_PLATE_LENGTH:
        for i in range(len(c) + 1):
            out.update(c[:i] + ch + c[i:] for ch in CANONICAL_ALPHABET)
    out.discard("")
    return out


def deletion_neighbourhood(plate: str) -> set[str]:
    """The plate and every string made by deleting one character (for one-edit indexes)."""
    out = {plate}
    for i in range(len(plate)):
        out.add(plate[:i] + plate[i + 1 :])
    return out
