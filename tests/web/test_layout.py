"""Every page each role reaches fits the car computer's screen (1024x768) and the office's (1366x768): no
horizontal scrolling, and no element past the viewport's right edge (issue 24, item 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer
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


def test_every_page_of_every_role_fits_the_screen(server: LiveServer, browser: Any, shots: Path) -> None:
    seeded = seed(server)
    problems: list[str] = []

    def fits(page: Any, role: Role, path: str, size: str) -> None:
        page.screenshot(path=str(shots / shot_name(role, path, size)), full_page=True)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["inner"] or found["past"]:
            problems.append(f"{role.value} {path} at {size}: scrollWidth {found['scroll']} > {found['inner']}"
                            f" or past the edge: {found['past']}")  # fmt: skip

    opened = walk(server, browser, seeded, fits)
    assert not problems, "\n".join(problems)
    # every role was walked at both sizes, and the pages item 5 named were among them
    assert {o.split()[0] for o in opened} == {r.value for r in Role}
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
