"""A journey's check at each of its steps: the page fits the car computer's screen and the office's (no horizontal
scrolling, no element past the right edge), with a screenshot at each size kept in the test's `shots` folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.test_layout import OVERFLOW
from tests.web.walk import VIEWPORTS


def fits(page: Any, shots: Path, step: str) -> None:
    """Look at the page at 1024x768 and 1366x768 (back to the first after), saving `<step>-<size>.png`."""
    problems: list[str] = []
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"{step}-{width}x{height}.png"), full_page=True)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["inner"] or found["past"]:
            problems.append(f"{step} at {width}x{height}: scrollWidth {found['scroll']} > {found['inner']} or past "
                            f"the edge: {found['past']}")  # fmt: skip
    page.set_viewport_size({"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
    assert not problems, "\n".join(problems)
