"""Parts of a camera's view where no plate is looked for: a clock burned into the video, a sign, a billboard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from platewatch.engine.types import Box

EXAMPLE = "0.6,0.9,0.4,0.1"
"""A region in the form the settings take: the bottom-right corner, where dash cameras burn in their clock."""


@dataclass(frozen=True, slots=True)
class IgnoreRegion:
    """A rectangle of the frame as fractions of its width and height (0–1 from the top-left corner), so that one
    setting holds whatever resolution the camera sends."""

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        if not all(0.0 <= v <= 1.0 for v in (self.x, self.y, self.w, self.h)):
            raise ValueError(f"{self.text()}: each of x, y, w, h is a fraction of the frame, from 0 to 1")
        if self.w <= 0.0 or self.h <= 0.0:
            raise ValueError(f"{self.text()}: the width and the height must be more than 0")
        if self.x + self.w > 1.0 + 1e-9 or self.y + self.h > 1.0 + 1e-9:
            raise ValueError(f"{self.text()}: the region reaches past the frame's right or bottom edge")

    def text(self) -> str:
        return ",".join(f"{v:g}" for v in (self.x, self.y, self.w, self.h))

    def covers(self, box: Box, width: int, height: int) -> bool:
        """Whether the centre of `box` (frame pixels) lies in this region of a `width`×`height` frame."""
        cx, cy = (box[0] + box[2]) / 2 / width, (box[1] + box[3]) / 2 / height
        return self.x <= cx <= self.x + self.w and self.y <= cy <= self.y + self.h


def parse_region(text: str) -> IgnoreRegion:
    """`x,y,w,h` as fractions of the frame, e.g. `0.6,0.9,0.4,0.1` for a clock in the bottom-right corner."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"{text!r}: an ignore region is x,y,w,h (four fractions of the frame, e.g. {EXAMPLE})")
    try:
        x, y, w, h = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{text!r}: x, y, w and h must be numbers (fractions of the frame, e.g. {EXAMPLE})") from None
    return IgnoreRegion(x, y, w, h)


def parse_regions(texts: Iterable[str]) -> tuple[IgnoreRegion, ...]:
    """Each text one region, or several joined by `;` (as an environment variable holds them)."""
    return tuple(parse_region(t) for text in texts for t in text.split(";") if t.strip())


def ignored(box: Box, width: int, height: int, regions: Sequence[IgnoreRegion]) -> bool:
    """Whether a detection at `box` lies in one of the `regions` of a `width`×`height` frame."""
    return any(r.covers(box, width, height) for r in regions)
