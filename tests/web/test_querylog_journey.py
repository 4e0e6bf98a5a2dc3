"""An auditor's filtered query log and its CSV (issue 24's acceptance journey), in Chromium at 1024x768 and 1366x768:
filter by user and the agency's days, page forward and back with the filters kept, download the matching rows as CSV
and check them against what the test loaded; no element past the viewport's edge on any page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.server.test_querylog_pages import HEADER, agency_day, load_log
from tests.server.test_report_documents import table
from tests.support.live_server import LiveServer
from tests.web.test_layout import OVERFLOW
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser

SIZES = {"1024x768": {"width": 1024, "height": 768}, "1366x768": {"width": 1366, "height": 768}}


def shown_seqs(page: Any) -> list[int]:
    return [int(t) for t in page.locator("#querylog tbody tr td:first-child").all_inner_texts()]


def fits(page: Any, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["inner"] and not found["past"], (name, found)


@pytest.mark.server_settings(time_zone="America/New_York")
def test_an_auditor_filters_the_query_log_pages_through_it_and_downloads_the_csv(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    loaded = load_log(server, 420, hours_apart=0.5)  # about nine days, 140 rows a user
    days = sorted({agency_day(r.at) for r in loaded})
    first, last = days[2], days[7]
    expected = [r.seq for r in reversed(loaded) if r.username == "officer.bravo" and first <= agency_day(r.at) <= last]
    assert 50 < len(expected) <= 100  # two pages of 50
    auditor = server.add_person(Role.AUDITOR)
    for size, viewport in SIZES.items():
        context, page = open_as(browser, server, auditor, "/querylog")
        page.set_viewport_size(viewport)
        assert len(shown_seqs(page)) == 50  # the newest page of the whole log
        page.fill("#username", "officer.bravo")
        page.fill("#from_date", str(first))
        page.fill("#to_date", str(last))
        page.click("#querylog-filter")
        page.wait_for_url("**/querylog?*username=officer.bravo*")
        assert shown_seqs(page) == expected[:50]
        assert page.locator("#top-newer").count() == 0
        fits(page, shots, f"querylog-filtered-{size}")

        page.click("#bottom-older")
        page.wait_for_url("**cursor=older-*")
        assert shown_seqs(page) == expected[50:]
        assert page.input_value("#username") == "officer.bravo" and page.input_value("#from_date") == str(first)
        assert page.locator("#top-older").count() == 0  # the last page
        fits(page, shots, f"querylog-older-{size}")

        page.click("#top-newer")
        page.wait_for_url("**cursor=newer-*")
        assert shown_seqs(page) == expected[:50]
        assert page.input_value("#to_date") == str(last)

        with page.expect_download() as download:
            page.click("#querylog-csv")
        rows = table(Path(download.value.path()).read_bytes(), HEADER)
        assert [int(r[0]) for r in rows] == expected and {r[2] for r in rows} == {"officer.bravo"}
        assert download.value.suggested_filename.startswith("lpr-query-log-")

        page.select_option("#outcome", "refused")
        page.click("#querylog-filter")
        page.wait_for_url("**outcome=refused*")
        refused = [s for s in expected if next(r for r in loaded if r.seq == s).outcome == "refused"]
        assert shown_seqs(page) == refused and page.locator("#top-older").count() == 0
        fits(page, shots, f"querylog-refused-{size}")

        page.goto(server.url + f"/querylog?from_date={last}&to_date={first}")  # a window that ends before it starts
        assert "to_date: the last day comes before the first" in page.inner_text("#filter-error")
        fits(page, shots, f"querylog-bad-window-{size}")
        context.close()
