"""Real blank US plate designs (`us-plate-templates/`: 50 states and DC) as backgrounds for synthetic plates."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from training.data import DATASETS
from training.synth.plates import Plate, Rng, _jitter, decorate, draw_chars, number_box, us_text
from training.synth.styles import BY_CODE, RGB, WHITE, YELLOW

FOLDER = "us-plate-templates"

DESIGN_TEXT: dict[tuple[str, int], RGB] = {("IN", 2009): WHITE, ("MT", 2010): WHITE, ("NM", 2010): YELLOW}
"""Designs whose characters differ in colour from the state's drawn look (`styles`): Indiana's flag and Montana's
2010 plates are dark blue with white characters, New Mexico's centennial plate turquoise with yellow ones (as the
real train crops of those designs show)."""


@dataclass(frozen=True)
class Template:
    """One state's blank plate: RGB uint8, its state code and the design's year."""

    image: np.ndarray
    state: str
    year: int

    @property
    def text(self) -> RGB:
        """The colour of this design's characters."""
        return DESIGN_TEXT.get((self.state, self.year), BY_CODE[self.state].text)


def load_templates(root: Path = DATASETS) -> list[Template]:
    """Every template of `root/us-plate-templates` (`labels.csv`: file,state,year) whose state the generator knows."""
    folder = root / FOLDER
    out = []
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            state = row["state"].strip().upper()
            bgr = cv2.imread(str(folder / row["file"]), cv2.IMREAD_COLOR)
            if bgr is None or state not in BY_CODE:
                continue
            out.append(Template(np.ascontiguousarray(bgr[..., ::-1]), state, int(row["year"])))
    return out


def render_on_template(template: Template, rng: Rng, text: str | None = None) -> Plate:
    """A plate of the template's state: its real blank design at a 1.9–2.1 aspect, the design's character colour
    (`Template.text`), a number in one of the state's formats, sometimes side marks, bolts and stickers as
    `render_us` draws them."""
    h = int(rng.integers(96, 130))
    w = int(h * rng.uniform(1.9, 2.1))
    img = cv2.resize(template.image, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    colour = _jitter(template.text, rng, 25)
    text = text or us_text(template.state, rng)
    draw_chars(img, text, rng, colour, number_box(img, rng, colour))
    decorate(img, rng)
    return Plate(np.clip(img, 0, 255).astype(np.uint8), text, template.state)
