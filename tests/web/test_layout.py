"""Every page each role reaches fits the car computer's screen (1024x768) and the office's (1366x768): no
horizontal scrolling, and no element past the viewport's right edge (issue 24, item 5); the same walk has axe-core
check each page (tests/web/test_accessibility.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.backends import SQLITE_ONLY
from tests.support.live_server import LiveServer
from tests.web.test_accessibility import AXE, RUN_AXE
from tests.web.test_pages import open_as
from tests.web.walk import seed, shot_name, walk

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const width = window.innerWidth, past = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\\s+/g, ".") : "");
      past.push(name + " right=" + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, past: past.slice(0, 8)};
}"""


@SQLITE_ONLY
def test_every_page_of_every_role_fits_the_screen_and_axe_finds_no_serious_violation(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    """One walk serves both checks (the layout's and axe-core's, with a screenshot of every page): opening every
    page of every role at two sizes is the costliest thing the suite does. It runs on SQLite only: what it checks
    is the pages' markup and CSS, which are the same whichever database holds the data; the stores themselves are
    tested on both backends by the tests that drive each page's data."""
    seeded = seed(server)
    problems: list[str] = []
    violations: list[str] = []

    def fits_and_passes_axe(page: Any, role: Role, path: str, size: str) -> None:
        page.screenshot(path=str(shots / shot_name(role, path, size)), full_page=True)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["inner"] or found["past"]:
            problems.append(f"{role.value} {path} at {size}: scrollWidth {found['scroll']} > {found['inner']}"
                            f" or past the edge: {found['past']}")  # fmt: skip
        assert page.evaluate("typeof axe") == "object", "axe-core was not injected"
        for v in page.evaluate(RUN_AXE):
            violations.append(f"{role.value} {path} {size}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")

    opened = walk(server, browser, seeded, fits_and_passes_axe, init_script=str(AXE))
    assert not problems and not violations, "\n".join(problems + violations)
    # every role was walked at both sizes, and the pages item 5 named were among them
    assert {o.split()[0] for o in opened} == {r.value for r in Role}
    assert {o.split()[2] for o in opened} == {"1024x768", "1366x768"}
    for page_seen in ("administrator /querylog 1024x768", "auditor /querylog/verify 1366x768",
                      f"auditor /audits/{seeded.audit_id} 1024x768", "investigator /holds 1024x768"):  # fmt: skip
        assert page_seen in opened, page_seen


def test_the_hash_chain_check_is_a_page(server: LiveServer, browser: Any, shots: Path) -> None:
    seed(server)
    context, page = open_as(browser, server, server.add_person(Role.AUDITOR), "/querylog")
    page.click("#verify-link")
    page.wait_for_url("**/querylog/verify")
    assert page.locator("header nav a[href='/querylog']").count() == 1  # a page with the menu, not raw JSON
    assert page.inner_text("#verdict").startswith("Intact: all ")
    page.screenshot(path=str(shots / "querylog-verify.png"), full_page=True)
    context.close()
