"""Synthetic plate renderer: US state looks (names, slogans, graphics, stacked and vanity text), EU and BR."""

from __future__ import annotations

import string
from dataclasses import dataclass

import cv2
import numpy as np

from platewatch.engine.syntax import load_pattern_strings
from training.synth import fonts
from training.synth.styles import BY_CODE, STATE_CODES, STYLES, StateStyle

LETTERS = string.ascii_uppercase
DIGITS = string.digits
Rng = np.random.Generator


@dataclass(frozen=True)
class Plate:
    """A rendered plate: RGB uint8 image, the label text and the state code ('' for non-US)."""

    image: np.ndarray
    text: str
    state: str


_PATTERNS = load_pattern_strings()


def expand_pattern(pattern: str, rng: Rng) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "@":
            out.append(rng.choice(list(LETTERS)))
        elif ch == "#":
            out.append(rng.choice(list(DIGITS)))
        elif ch == "?":
            out.append(rng.choice(list(LETTERS + DIGITS)))
        elif ch == "[":
            end = pattern.index("]", i)
            spec = pattern[i + 1 : end]
            pool = []
            j = 0
            while j < len(spec):
                if j + 2 < len(spec) and spec[j + 1] == "-":
                    pool += [chr(c) for c in range(ord(spec[j]), ord(spec[j + 2]) + 1)]
                    j += 3
                else:
                    pool.append(spec[j])
                    j += 1
            out.append(rng.choice(pool))
            i = end
        i += 1
    return "".join(out)


def us_text(state: str, rng: Rng) -> str:
    """A plate number: the state's formats (most), the generic ones, or a 2-8 character vanity plate."""
    r = rng.random()
    pats = _PATTERNS.get(state, [])
    if r < 0.55 and pats:
        return expand_pattern(pats[int(rng.integers(len(pats)))], rng)
    if r < 0.75:
        return expand_pattern(_PATTERNS["BASE"][int(rng.integers(len(_PATTERNS["BASE"])))], rng)
    n = int(rng.choice([2, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8]))
    if rng.random() < 0.5:  # vanity: mostly letters
        return "".join(rng.choice(list(LETTERS if rng.random() < 0.8 else DIGITS)) for _ in range(n))
    return "".join(rng.choice(list(LETTERS + DIGITS)) for _ in range(n))


def _lerp(a: tuple[int, ...], b: tuple[int, ...], t: np.ndarray) -> np.ndarray:
    return np.asarray(a, np.float32) * (1 - t) + np.asarray(b, np.float32) * t


def _jitter(c: tuple[int, int, int], rng: Rng, amount: float = 18) -> tuple[int, int, int]:
    v = np.clip(np.asarray(c, np.float32) + rng.normal(0, amount, 3), 0, 255)
    return (int(v[0]), int(v[1]), int(v[2]))


def background(h: int, w: int, top: tuple[int, int, int], bottom: tuple[int, int, int], rng: Rng) -> np.ndarray:
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img = np.broadcast_to(_lerp(top, bottom, t), (h, w, 3)).copy()
    return img


def draw_graphic(img: np.ndarray, kind: str, rng: Rng, text_color: tuple[int, int, int]) -> None:
    h, w = img.shape[:2]
    base = img[h // 2, w // 2].astype(np.float32)
    tint = np.clip(base * 0.75 + rng.uniform(0, 80, 3), 0, 255)
    if kind == "mountains":
        xs = np.linspace(0, w, int(rng.integers(4, 9)))
        ys = rng.uniform(0.45 * h, 0.85 * h, len(xs))
        poly = np.array([[0, h], *zip(xs, ys, strict=True), [w, h]], np.int32)
        cv2.fillPoly(img, [poly], tint.tolist(), lineType=cv2.LINE_AA)
    elif kind == "band":
        y0 = int(rng.uniform(0.3, 0.7) * h)
        cv2.rectangle(img, (0, y0), (w, y0 + int(rng.uniform(0.05, 0.2) * h)), tint.tolist(), -1)
    elif kind == "sun":
        c = (int(rng.uniform(0.2, 0.8) * w), int(rng.uniform(0.3, 0.7) * h))
        cv2.circle(img, c, int(rng.uniform(0.15, 0.35) * h), (240, 160, 70), -1, cv2.LINE_AA)
    elif kind == "wave":
        xs = np.arange(0, w + 4, 4)
        y = h * rng.uniform(0.5, 0.8) + np.sin(xs / w * rng.uniform(3, 9)) * h * 0.06
        poly = np.array([[0, h], *zip(xs, y, strict=True), [w, h]], np.int32)
        cv2.fillPoly(img, [poly], tint.tolist(), lineType=cv2.LINE_AA)
    elif kind == "stripes":
        for k, col in enumerate([(200, 30, 40), (30, 50, 150)]):
            y = int(h * (0.02 + 0.03 * k)) if rng.random() < 0.5 else int(h * (0.92 + 0.03 * k))
            cv2.rectangle(img, (0, y), (w, y + max(1, h // 30)), col, -1)
    if rng.random() < 0.3:  # a faint emblem behind the text
        c = (int(rng.uniform(0.1, 0.9) * w), int(rng.uniform(0.3, 0.7) * h))
        col = np.clip(base * 0.9 + np.asarray(text_color) * 0.1, 0, 255)
        cv2.circle(img, c, int(rng.uniform(0.1, 0.3) * h), col.tolist(), -1, cv2.LINE_AA)


def paste_mask(img: np.ndarray, mask: np.ndarray, x: int, y: int, color: tuple[int, ...]) -> None:
    """Alpha-blend a float mask of `color` onto img at (x, y), clipped to the image."""
    h, w = img.shape[:2]
    mh, mw = mask.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + mw), min(h, y + mh)
    if x1 <= x0 or y1 <= y0:
        return
    m = mask[y0 - y : y1 - y, x0 - x : x1 - x, None]
    img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * (1 - m) + np.asarray(color, np.float32) * m


def draw_line(
    img: np.ndarray, text: str, font: str, cy: float, height: int, color: tuple[int, ...], max_w: float
) -> None:
    if not text:
        return
    mask = fonts.render_text_mask(text, font, height)
    mh, mw = mask.shape
    scale = min(1.0, max_w / mw)
    if scale < 1.0:
        mask = cv2.resize(mask, (max(1, int(mw * scale)), mh), interpolation=cv2.INTER_AREA)
    w = img.shape[1]
    paste_mask(img, mask, int((w - mask.shape[1]) / 2), int(cy - mh / 2), color)


def groups_for(text: str, rng: Rng) -> list[int]:
    """Indexes after which the renderer leaves a gap (a space, dash, dot or emblem)."""
    if len(text) < 4 or rng.random() < 0.35:
        return []
    cuts = [i for i in range(1, len(text)) if text[i - 1].isalpha() != text[i].isalpha()]
    if not cuts:
        cuts = [len(text) // 2]
    return [cuts[int(rng.integers(len(cuts)))] - 1]


OTHER_FACE_SHARE = 0.15
"""Plates whose characters are drawn in one of `fonts.OTHER_FACES` instead of a plate-like face."""
SIDE_MARK_SHARE = 0.3
"""US plates with stacked characters (47 % of them) or an emblem (53 %) beside the number (`side_marks`)."""
MIXED_END_SHARE = 0.1
"""Plates whose first or last character is drawn in another face than the rest: a glyph of the number's size in
the number's row is a character however it looks (side marks are told apart by size, place and colour)."""
SMALL_NUMBER_SHARE = 0.0
"""US plates whose number is drawn small (its characters 0.2–0.42 of the plate's height, against 0.43–0.52), with
no side marks: a glyph is told from a side mark by its neighbours' size, not by the crop's (small characters beside
each other are the number; loose crops and crowded specialty plates show numbers this small). Off by default: at
0.2 (rule READER-13Z) it cured the canary and cost the real plates, whose readers use the size cue well."""
EMBLEM_INK_SHARE = 0.0
"""Emblems drawn in the number's own ink instead of a logo colour (`side_marks`), as real ones often are (Iowa's
wheelchair in the number's navy): a colour reader taught that every emblem differs from the characters in colour reads
one in their ink as a character (`J0518` → `GJO518`, rule READER-13E). Off by default: no draw at 0."""


def draw_chars(
    img: np.ndarray, text: str, rng: Rng, color: tuple[int, ...], box: tuple[float, float, float, float]
) -> None:
    """Draw the plate characters centred in box (x0, y0, x1, y1), condensing them to fit."""
    x0, y0, x1, y1 = box
    if rng.random() < OTHER_FACE_SHARE:
        others = fonts.available(fonts.OTHER_FACES)
        path = others[int(rng.integers(len(others)))]
    else:
        font_path = fonts.available(fonts.PLATE_FONTS)
        path = font_path[min(len(font_path) - 1, int(abs(rng.normal(0, 3))))]
    gs = fonts.glyph_set(path)
    ch_h = int((y1 - y0) * rng.uniform(0.82, 1.0))
    xscale = rng.uniform(0.75, 1.1)
    gap_after = groups_for(text, rng)
    sep = str(rng.choice([" ", "-", ".", "o"]))
    odd = gs
    if rng.random() < MIXED_END_SHARE:
        others = fonts.available(fonts.OTHER_FACES)
        odd = fonts.glyph_set(others[int(rng.integers(len(others)))])
    odd_at = 0 if rng.random() < 0.5 else len(text) - 1
    masks = []
    for i, ch in enumerate(text):
        m = (odd if i == odd_at else gs).masks[ch]
        mw = max(1, int(m.shape[1] * ch_h / m.shape[0] * xscale))
        masks.append(cv2.resize(m, (mw, ch_h), interpolation=cv2.INTER_AREA))
    spacing = ch_h * rng.uniform(0.06, 0.18)
    gap = ch_h * rng.uniform(0.3, 0.6)
    total = sum(m.shape[1] for m in masks) + spacing * (len(masks) - 1) + gap * len(gap_after)
    avail = (x1 - x0) * rng.uniform(0.85, 1.0)
    if total > avail:
        f = avail / total
        masks = [cv2.resize(m, (max(1, int(m.shape[1] * f)), ch_h)) for m in masks]
        spacing, gap = spacing * f, gap * f
        total = avail
    x = x0 + (x1 - x0 - total) / 2
    ytop = int((y0 + y1) / 2 - ch_h / 2)
    emboss = rng.random() < 0.4
    for i, m in enumerate(masks):
        if emboss:
            shade = tuple(int(c * 0.5) for c in color)
            paste_mask(img, m * 0.6, int(x) + 1, ytop + 1, shade)
        paste_mask(img, m, int(x), ytop, color)
        x += m.shape[1] + spacing
        if i in gap_after:
            cx, cy = int(x + gap / 2 - spacing / 2), ytop + ch_h // 2
            if sep == "-":
                cv2.line(img, (cx - int(gap / 4), cy), (cx + int(gap / 4), cy), color, max(1, ch_h // 10))
            elif sep == ".":
                cv2.circle(img, (cx, cy), max(1, ch_h // 14), color, -1)
            elif sep == "o":
                cv2.circle(img, (cx, cy), max(2, int(gap / 3)), _jitter((200, 60, 40), rng, 60), -1)
            x += gap


def render_us(rng: Rng, state: str | None = None, text: str | None = None) -> Plate:
    """A US passenger plate (2:1), in the state's look or (sometimes) a random look."""
    style: StateStyle = BY_CODE[state] if state else STYLES[int(rng.integers(len(STYLES)))]
    text = text or us_text(style.code, rng)
    h = int(rng.integers(96, 130))
    w = int(h * rng.uniform(1.9, 2.1))
    top, bottom, tcol, ncol = style.top, style.bottom, style.text, style.name_color
    graphic = style.graphic
    if rng.random() < 0.25:  # an off-catalogue look: specialty plates, newer designs
        top, bottom = _jitter(top, rng, 60), _jitter(bottom, rng, 60)
        tcol = _jitter(tcol, rng, 40)
        graphic = str(rng.choice(["", "mountains", "band", "sun", "wave", "stripes"]))
        if rng.random() < 0.3:
            tcol, top, bottom = (240, 240, 240), (30, 40, 90), _jitter((40, 40, 60), rng, 30)
    img = background(h, w, _jitter(top, rng, 10), _jitter(bottom, rng, 10), rng)
    if graphic:
        draw_graphic(img, graphic, rng, tcol)
    tfonts = fonts.available(fonts.TEXT_FONTS)
    name_y, slogan_y = (0.13, 0.89) if style.name_on_top else (0.89, 0.13)
    name_h = int(h * rng.uniform(0.11, 0.17))
    draw_line(img, style.name, tfonts[int(rng.integers(len(tfonts)))], h * name_y, name_h, ncol, w * 0.8)
    if style.slogan and rng.random() < 0.8:
        draw_line(
            img,
            style.slogan,
            tfonts[int(rng.integers(len(tfonts)))],
            h * slogan_y,
            int(h * 0.08),
            ncol,
            w * 0.8,
        )
    draw_chars(img, text, rng, tcol, number_box(img, rng, tcol))
    decorate(img, rng)
    return Plate(np.clip(img, 0, 255).astype(np.uint8), text, style.code)


EMBLEMS = "♿✈⚓❀♥☘⚑✿☀♣♠☎⚜☮♞☸"
"""Pictographs (DejaVu Sans) standing in for the logos beside the characters of specialty plates. No plain
geometric shapes (a disc, a star, a triangle): those are too close to a glyph (`0`, `A`) in a face the
reader has not seen."""
LOGO_COLOURS = ((40, 40, 200), (170, 60, 20), (40, 140, 40), (30, 160, 220), (20, 110, 230), (140, 40, 120))
"""BGR: logos are coloured graphics, set apart from the characters by their colour."""


def number_box(img: np.ndarray, rng: Rng, color: tuple[int, int, int]) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) for a US plate's number: full height beside the side marks it sometimes draws, or
    (`SMALL_NUMBER_SHARE`) small and alone."""
    h, w = img.shape[:2]
    if SMALL_NUMBER_SHARE > 0 and rng.random() < SMALL_NUMBER_SHARE:  # no draw at 0: the samples of earlier runs
        row, mid = h * rng.uniform(0.25, 0.42), h * rng.uniform(0.45, 0.56)
        return w * 0.05, mid - row / 2, w * 0.95, mid + row / 2
    x0, x1 = side_marks(img, rng, color)
    return x0, h * 0.25, x1, h * 0.77


def side_marks(img: np.ndarray, rng: Rng, color: tuple[int, int, int]) -> tuple[float, float]:
    """Small stacked characters or an emblem beside the plate number; returns the x-range left for it.

    Neither is part of the plate number, as in the real labels (a stacked `MSC` beside `0026` is labelled
    `0026`), so the reader learns to skip them instead of reading a logo as `G` or a stacked `LE` as `E`."""
    h, w = img.shape[:2]
    x0, x1 = w * 0.05, w * 0.95
    r = rng.random()
    if r >= SIDE_MARK_SHARE:
        return x0, x1
    left = rng.random() < 0.5
    slot = w * rng.uniform(0.12, 0.2)
    pos = int(w * 0.05) if left else int(w * 0.95 - slot)
    col = color if rng.random() < 0.6 else _jitter(color, rng, 90)
    if r < SIDE_MARK_SHARE * 0.47:  # 2-3 small characters stacked vertically
        # Never a lone one: a single small glyph at the edge looks too much like the number's own first or
        # last character, and a reader taught to skip it drops end characters (`12345` → `I234`).
        n = int(rng.choice([2, 2, 3]))
        stack = "".join(rng.choice(list(LETTERS if rng.random() < 0.85 else DIGITS)) for _ in range(n))
        plate_fonts = fonts.available(fonts.PLATE_FONTS)
        gs = fonts.glyph_set(plate_fonts[int(rng.integers(len(plate_fonts)))])
        # Clearly smaller than the number's characters (about half their height, as on real plates): a
        # full-size character beside a gap is part of the number (`5HX 2290`), never a mark to skip.
        sh = int(h * rng.uniform(0.12, min(0.24, 0.6 / n)))
        top = h * 0.5 - n * sh * 0.55
        for k, ch in enumerate(stack):
            m = cv2.resize(gs.masks[ch], (max(1, int(sh * rng.uniform(0.5, 0.8))), sh))
            paste_mask(img, m, pos + int(slot * 0.2), int(top + k * sh * 1.1), col)
    else:  # an emblem: a wheelchair, a ship, a mascot..., in a colour of its own and set off by a gap
        face = fonts.available(fonts.TEXT_FONTS)[0]
        mask = fonts.render_text_mask(str(rng.choice(list(EMBLEMS))), face, int(h * rng.uniform(0.3, 0.6)))
        mh, mw = mask.shape
        if mw > slot:
            mask = cv2.resize(mask, (max(1, int(slot)), max(1, int(mh * slot / mw))))
        # A logo colour, mostly one far from the characters' (the random term lets a nearer one win at times).
        logo = min(LOGO_COLOURS, key=lambda c: -float(np.abs(np.subtract(c, color)).sum()) + 200 * rng.random())
        y = int(h * rng.uniform(0.3, 0.55) - mask.shape[0] / 2)
        ink = _jitter(logo, rng, 30)
        if EMBLEM_INK_SHARE > 0 and rng.random() < EMBLEM_INK_SHARE:  # no draw at 0: the samples of earlier runs
            ink = color
        paste_mask(img, mask, pos, y, ink)
        slot += w * rng.uniform(0.02, 0.05)
    return (x0 + slot, x1) if left else (x0, x1 - slot)


def decorate(img: np.ndarray, rng: Rng) -> None:
    """Bolts, registration stickers, a border and dealer frames."""
    h, w = img.shape[:2]
    if rng.random() < 0.6:
        for x in (0.22, 0.78):
            cv2.circle(img, (int(w * x), int(h * 0.1)), max(2, h // 22), (120, 120, 120), -1)
    if rng.random() < 0.4:
        x = int(w * rng.choice([0.03, 0.82]))
        cv2.rectangle(img, (x, int(h * 0.04)), (x + int(w * 0.15), int(h * 0.2)), _jitter((220, 60, 60), rng, 80), -1)
    if rng.random() < 0.5:
        cv2.rectangle(img, (1, 1), (w - 2, h - 2), (60, 60, 60), max(1, h // 40))
    if rng.random() < 0.25:  # dealer frame over the bottom (and top) edge
        col = _jitter((25, 25, 25), rng, 20)
        cv2.rectangle(img, (0, int(h * 0.86)), (w, h), col, -1)
        if rng.random() < 0.5:
            cv2.rectangle(img, (0, 0), (w, int(h * 0.07)), col, -1)


def render_eu(rng: Rng) -> Plate:
    """A European-style long plate (white or yellow, blue strip) with 5-8 characters."""
    n = int(rng.integers(5, 9))
    text = "".join(rng.choice(list(LETTERS if i < 2 or rng.random() < 0.3 else DIGITS)) for i in range(n))
    if rng.random() < 0.3:
        text = "".join(rng.choice(list(LETTERS + DIGITS)) for _ in range(n))
    h = int(rng.integers(40, 60))
    w = int(h * rng.uniform(4.2, 4.8))
    bg = (245, 245, 245) if rng.random() < 0.75 else (245, 205, 40)
    img = np.empty((h, w, 3), np.float32)
    img[:] = _jitter(bg, rng, 10)
    strip = int(w * 0.08)
    if rng.random() < 0.8:
        img[:, :strip] = _jitter((30, 60, 170), rng, 15)
    draw_chars(img, text, rng, _jitter((15, 15, 15), rng, 10), (strip + w * 0.02, h * 0.12, w * 0.97, h * 0.88))
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), (20, 20, 20), max(1, h // 25))
    return Plate(np.clip(img, 0, 255).astype(np.uint8), text, "")


def render_br(rng: Rng) -> Plate:
    """A Brazilian plate: grey LLL-NNNN with a city line, or Mercosul LLLNLNN."""
    mercosul = rng.random() < 0.4
    if mercosul:
        text = "".join(rng.choice(list(c)) for c in (LETTERS, LETTERS, LETTERS, DIGITS, LETTERS, DIGITS, DIGITS))
    else:
        text = "".join(rng.choice(list(LETTERS if i < 3 else DIGITS)) for i in range(7))
    h = int(rng.integers(50, 70))
    w = int(h * rng.uniform(3.0, 3.2))
    img = np.empty((h, w, 3), np.float32)
    img[:] = _jitter((235, 235, 235) if mercosul else (190, 190, 185), rng, 12)
    tfonts = fonts.available(fonts.TEXT_FONTS)
    if mercosul:
        img[: int(h * 0.22)] = _jitter((30, 60, 160), rng, 15)
        draw_line(img, "BRASIL", tfonts[0], h * 0.11, int(h * 0.14), (240, 240, 240), w * 0.4)
    else:
        draw_line(img, "SP - SAO PAULO", tfonts[0], h * 0.12, int(h * 0.14), (30, 30, 30), w * 0.6)
    draw_chars(img, text, rng, (20, 20, 20), (w * 0.04, h * 0.27, w * 0.96, h * 0.92))
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), (30, 30, 30), max(1, h // 25))
    return Plate(np.clip(img, 0, 255).astype(np.uint8), text, "")


def render_any(rng: Rng, us_share: float = 0.8) -> Plate:
    r = rng.random()
    if r < us_share:
        return render_us(rng)
    if r < us_share + (1 - us_share) * 0.6:
        return render_eu(rng)
    return render_br(rng)


__all__ = ["STATE_CODES", "Plate", "render_any", "render_br", "render_eu", "render_us", "us_text"]
