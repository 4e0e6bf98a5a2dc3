"""Which characters a text given to PlateWatch may hold: no control characters but tab, CR and LF."""

from __future__ import annotations

import re

# C0 controls but tab, LF and CR; DEL and the C1 controls; surrogates (half a pair: no encoding can store one).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_character(text: str) -> str | None:
    """The first character of `text` that no field may hold, named as U+XXXX; None when there is none."""
    found = _FORBIDDEN.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"
