"""axe-core (vendored for the tests: tests/support/vendor/axe-core) finds no serious or critical accessibility
violation on any page a role reaches, at 1024x768 and 1366x768 (issue 24): every menu page of every role is
checked in the walk tests/web/test_layout.py makes (one walk for both checks); the pages outside the menus here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer
from tests.web.test_pages import log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[1] / "support" / "vendor" / "axe-core" / "axe.min.js"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " — " + (n.failureSummary || ""))}));
}"""


def test_axe_finds_no_serious_violation_on_the_login_and_error_pages(server: LiveServer, browser: Any) -> None:
    auditor = server.add_person(Role.AUDITOR)
    context = browser.new_context()
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    found: list[str] = []
    page.goto(server.url + "/login")
    found += [f"/login: {v}" for v in page.evaluate(RUN_AXE)]
    log_in(page, server, auditor, "/querylog")
    page.wait_for_url("**/querylog")
    page.goto(server.url + "/search")  # "Not allowed", with the auditor's menu
    assert page.inner_text("h1") == "Not allowed"
    found += [f"not allowed: {v}" for v in page.evaluate(RUN_AXE)]
    page.goto(server.url + "/audits/999")  # "Not found"
    found += [f"not found: {v}" for v in page.evaluate(RUN_AXE)]
    context.close()
    assert not found, "\n".join(found)
