"""The report page's charts in Chromium (issue 24, item 8): Chart.js, served by the server, draws reads per day and
per hour, alarms per list, accepted and rejected alarms, time to decision, and searches per user and purpose, each
with as many bars as the data loaded gives, and the values the test counts on its own."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from platewatch.domain.alert_timings import DECISION_BANDS, banded
from platewatch.domain.roles import Role
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("America/New_York")

DRAWN = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  if (!chart) return null;
  return {type: chart.config.type, labels: chart.data.labels,
          series: chart.data.datasets.map((d, i) => ({values: d.data, bars: chart.getDatasetMeta(i).data.length}))};
}"""


@pytest.mark.server_settings(time_zone="America/New_York", alert_repeat_minutes=0)
def test_the_report_page_draws_its_charts_from_the_data_loaded(server: LiveServer, browser: Any, shots: Path) -> None:
    actors = Actors(server)
    lists = {"BOLO": ("bolo", ["8TRK455", "5GHJ210"]), "Stolen": ("stolen_vehicle", ["7KD4821"])}
    for name, (category, plates) in lists.items():
        listed = make_list(actors, name=name, source="manual", category=category)
        with actors.client(Role.ADMINISTRATOR) as c:
            for plate in plates:
                entry = {"purpose": f"{name} entry for the charts test, case 2026-77", "plate": plate}
                assert c.post(f"/api/v1/hotlists/{listed['id']}/entries", json=entry).status_code == 201
    today = server.clock.now.astimezone(ZONE).date()
    at = lambda days, h, m=0: dt.datetime.combine(today - dt.timedelta(days=days), dt.time(h, m), ZONE)  # noqa: E731
    plates = ["8TRK455", "ABC1234", "5GHJ210", "XYZ9876", "7KD4821", "8TRK455", "ABC1234"]
    captured = [at(3, 7, 10), at(3, 7, 40), at(2, 13), at(2, 22, 30), at(1, 9), at(1, 9, 20), at(1, 23, 59)]
    car = server.add_unit("car-1")
    ingest(server, car, *(read_payload(p, t, seed=i) for i, (p, t) in enumerate(zip(plates, captured, strict=True))))
    listed_plates = {p for _, ps in lists.values() for p in ps}
    alarm_lists = Counter(next(n for n, (_, ps) in lists.items() if p in ps) for p in plates if p in listed_plates)

    server.clock.advance(seconds=90)
    with actors.client(Role.OFFICER) as c:  # every alarm decided now: accept two, reject the rest
        alerts = sorted(c.get("/api/v1/alerts").json()["alerts"], key=lambda a: a["read"]["captured_at"])
        assert len(alerts) == sum(alarm_lists.values()) == 4
        decided_at = server.clock.now
        for i, alert in enumerate(alerts):
            verb, body = ("accept", None) if i < 2 else ("reject", {"reason": "misread"})
            assert c.post(f"/api/v1/alerts/{alert['id']}/{verb}", json=body).status_code == 200
    delays = [(decided_at - dt.datetime.fromisoformat(a["read"]["captured_at"])).total_seconds() for a in alerts]

    searchers = [server.add_person(Role.INVESTIGATOR), server.add_person(Role.SUPERVISOR)]
    plan = [(0, "burglary series, Elm Street"), (0, "burglary series, Elm Street"), (1, "silver alert 26-14, missing")]
    for who, purpose in plan:
        with server.client(server.login(searchers[who])) as c:
            params = {"plate": "ABC*", "hours": 120, "purpose": purpose, "case_number": "2026-0042"}
            assert c.get("/api/v1/reads/search", params=params).status_code == 200

    since, until = str(today - dt.timedelta(days=3)), str(today + dt.timedelta(days=1))
    context, page = open_as(browser, server, searchers[1], "/reports")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server.url}/reports?since={since}&until={until}")
    page.wait_for_function("window.platewatchCharts !== undefined")
    page.screenshot(path=str(shots / "report-charts.png"), full_page=True)

    def drawn(chart_id: str) -> dict[str, Any]:
        found = page.evaluate(DRAWN, chart_id)
        assert found is not None, f"no chart on #{chart_id}"
        assert page.locator(f"#{chart_id}").evaluate("c => c.width > 0 && c.height > 0")  # a canvas was drawn
        return dict(found)

    days = Counter(str(t.date()) for t in captured)
    by_day = drawn("chart-reads-day")
    assert by_day["labels"] == sorted(days) and by_day["series"] == [
        {"values": [days[d] for d in sorted(days)], "bars": len(days)}
    ]
    hours = Counter(t.hour for t in captured)  # the agency's hours
    by_hour = drawn("chart-reads-hour")
    assert by_hour["series"] == [{"values": [hours[h] for h in range(24)], "bars": 24}]
    assert by_hour["labels"][:2] == ["00:00", "01:00"]
    by_list = drawn("chart-alarms-list")
    assert dict(zip(by_list["labels"], by_list["series"][0]["values"], strict=True)) == dict(alarm_lists)
    assert by_list["series"][0]["bars"] == len(alarm_lists) == 2
    decisions = drawn("chart-decisions")
    officer = actors.people[Role.OFFICER].username
    assert decisions["labels"] == [officer] and [s["values"] for s in decisions["series"]] == [[2], [2]]
    assert "50 %" in page.inner_text("#accept-rate")
    times = drawn("chart-decision-time")
    assert times["labels"] == [w for w, _ in DECISION_BANDS]
    assert times["series"] == [{"values": [n for _, n in banded(delays)], "bars": len(DECISION_BANDS)}]
    by_user = Counter(searchers[who].username for who, _ in plan)
    users = drawn("chart-searches-user")
    assert dict(zip(users["labels"], users["series"][0]["values"], strict=True)) == dict(by_user)
    by_purpose = Counter(purpose for _, purpose in plan)
    purposes = drawn("chart-searches-purpose")
    assert dict(zip(purposes["labels"], purposes["series"][0]["values"], strict=True)) == dict(by_purpose)
    assert purposes["series"][0]["bars"] == 2
    label = page.locator("#chart-searches-user").get_attribute("aria-label") or ""
    assert label.startswith("Searches per user.") and f"{searchers[0].username}: 2" in label  # said, not only drawn
    context.close()
