"""Fonts from Debian packages, rendered once into glyph masks that the plate renderer scales and pastes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from PIL import ImageFont

# Pillow (the training extra) is imported where glyphs are drawn: the lists of faces are read without it (the device
# kit and its test run where only the runtime and test packages are installed).

# Debian packages: fonts-urw-base35, fonts-liberation, fonts-dejavu-core, fonts-freefont-ttf, fonts-croscore.
FONT_ROOT = os.environ.get("PLATEWATCH_FONTS", "/usr/share/fonts")
"""Where the faces below lie (`PLATEWATCH_FONTS`: a copy carried to another machine, `training/device_kit.py`)."""

PLATE_FONTS = (
    f"{FONT_ROOT}/opentype/urw-base35/NimbusSansNarrow-Bold.otf",
    f"{FONT_ROOT}/opentype/urw-base35/NimbusSansNarrow-Regular.otf",
    f"{FONT_ROOT}/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    f"{FONT_ROOT}/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    f"{FONT_ROOT}/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    f"{FONT_ROOT}/truetype/dejavu/DejaVuSansCondensed.ttf",
    f"{FONT_ROOT}/truetype/freefont/FreeSansBold.ttf",
    f"{FONT_ROOT}/truetype/croscore/Arimo-Bold.ttf",
    f"{FONT_ROOT}/opentype/urw-base35/URWGothic-Demi.otf",
    f"{FONT_ROOT}/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    f"{FONT_ROOT}/opentype/urw-base35/NimbusSans-Bold.otf",
    f"{FONT_ROOT}/truetype/liberation/LiberationMono-Bold.ttf",
)
"""Plate-like faces first (condensed sans bold); the renderer favours the first ones."""

OTHER_FACES = (
    f"{FONT_ROOT}/opentype/urw-base35/URWGothic-Book.otf",
    f"{FONT_ROOT}/opentype/urw-base35/NimbusSans-Regular.otf",
    f"{FONT_ROOT}/opentype/urw-base35/NimbusSansNarrow-BoldOblique.otf",
    f"{FONT_ROOT}/opentype/urw-base35/NimbusMonoPS-Bold.otf",
    f"{FONT_ROOT}/opentype/urw-base35/C059-Bold.otf",
    f"{FONT_ROOT}/opentype/urw-base35/P052-Bold.otf",
    f"{FONT_ROOT}/opentype/urw-base35/URWBookman-Demi.otf",
    f"{FONT_ROOT}/truetype/croscore/Arimo-Regular.ttf",
    f"{FONT_ROOT}/truetype/croscore/Cousine-Bold.ttf",
    f"{FONT_ROOT}/truetype/croscore/Tinos-Bold.ttf",
    f"{FONT_ROOT}/truetype/dejavu/DejaVuSans.ttf",
    f"{FONT_ROOT}/truetype/dejavu/DejaVuSansCondensed-BoldOblique.ttf",
    f"{FONT_ROOT}/truetype/dejavu/DejaVuSerif-Bold.ttf",
    f"{FONT_ROOT}/truetype/liberation/LiberationSans-Bold.ttf",
    f"{FONT_ROOT}/truetype/freefont/FreeSans.ttf",
)
"""Faces no state uses for its numbers (regular weights, serif, mono, oblique), for a share of the plates: a
reader that knows only plate-like faces reads a glyph of an unknown face as no character at all."""

TEXT_FONTS = (
    f"{FONT_ROOT}/truetype/dejavu/DejaVuSans-Bold.ttf",
    f"{FONT_ROOT}/truetype/liberation/LiberationSerif-Bold.ttf",
    f"{FONT_ROOT}/truetype/liberation/LiberationSans-Regular.ttf",
    f"{FONT_ROOT}/opentype/urw-base35/Z003-MediumItalic.otf",
    f"{FONT_ROOT}/truetype/freefont/FreeSerifBoldItalic.ttf",
    f"{FONT_ROOT}/opentype/urw-base35/NimbusSans-Regular.otf",
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
    from PIL import Image, ImageDraw, ImageFont

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
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def render_text_mask(text: str, path: str, height: int) -> np.ndarray:
    """A free-form line of text (state name, slogan) as a tight float mask about `height` px tall."""
    from PIL import Image, ImageDraw

    size = max(6, int(height * 1.35))
    font = text_font(path, size)
    left, top, right, bottom = font.getbbox(text)
    w, h = max(1, right - left), max(1, bottom - top)
    img = Image.new("L", (w + 4, h + 4), 0)
    ImageDraw.Draw(img).text((2 - left, 2 - top), text, fill=255, font=font)
    return np.asarray(img, dtype=np.float32) / 255.0
