"""Fonts from Debian packages, rendered once into glyph masks that the plate renderer scales and pastes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# Debian packages: fonts-urw-base35, fonts-liberation, fonts-dejavu-core, fonts-freefont-ttf, fonts-croscore.
PLATE_FONTS = (
    "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Regular.otf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/croscore/Arimo-Bold.ttf",
    "/usr/share/fonts/opentype/urw-base35/URWGothic-Demi.otf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
)
"""Plate-like faces first (condensed sans bold); the renderer favours the first ones."""

OTHER_FACES = (
    "/usr/share/fonts/opentype/urw-base35/URWGothic-Book.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-BoldOblique.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Bold.otf",
    "/usr/share/fonts/opentype/urw-base35/C059-Bold.otf",
    "/usr/share/fonts/opentype/urw-base35/P052-Bold.otf",
    "/usr/share/fonts/opentype/urw-base35/URWBookman-Demi.otf",
    "/usr/share/fonts/truetype/croscore/Arimo-Regular.ttf",
    "/usr/share/fonts/truetype/croscore/Cousine-Bold.ttf",
    "/usr/share/fonts/truetype/croscore/Tinos-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-BoldOblique.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
)
"""Faces no state uses for its numbers (regular weights, serif, mono, oblique), for a share of the plates: a
reader that knows only plate-like faces reads a glyph of an unknown face as no character at all."""

TEXT_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf",
    "/usr/share/fonts/truetype/freefont/FreeSerifBoldItalic.ttf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf",
)
"""Faces for state names and slogans (script and serif included)."""

GLYPHS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
GLYPH_SIZE = 96


@dataclass(frozen=True)
class GlyphSet:
    """Tight glyph masks (float32 0..1) of one font, all rendered with the same cap height."""

    path: str
    masks: dict[str, np.ndarray]


@lru_cache(maxsize=8)
def available(paths: tuple[str, ...]) -> list[str]:
    found = [p for p in paths if Path(p).exists()]
    if not found:
        raise RuntimeError("no fonts found; run scripts/apt_deps.sh or see training/README.md")
    return found


@lru_cache(maxsize=64)
def glyph_set(path: str) -> GlyphSet:
    font = ImageFont.truetype(path, GLYPH_SIZE)
    masks: dict[str, np.ndarray] = {}
    for ch in GLYPHS:
        img = Image.new("L", (GLYPH_SIZE * 2, GLYPH_SIZE * 2), 0)
        ImageDraw.Draw(img).text((GLYPH_SIZE // 2, GLYPH_SIZE // 4), ch, fill=255, font=font)
        arr = np.asarray(img, dtype=np.float32) / 255.0
        ys, xs = np.nonzero(arr > 0.1)
        masks[ch] = arr[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].copy()
    return GlyphSet(path, masks)


@lru_cache(maxsize=32)
def text_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def render_text_mask(text: str, path: str, height: int) -> np.ndarray:
    """A free-form line of text (state name, slogan) as a tight float mask about `height` px tall."""
    size = max(6, int(height * 1.35))
    font = text_font(path, size)
    left, top, right, bottom = font.getbbox(text)
    w, h = max(1, right - left), max(1, bottom - top)
    img = Image.new("L", (w + 4, h + 4), 0)
    ImageDraw.Draw(img).text((2 - left, 2 - top), text, fill=255, font=font)
    return np.asarray(img, dtype=np.float32) / 255.0
