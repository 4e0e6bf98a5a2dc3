"""PLATEWATCH_TIME_ZONE through a real server (issue 24, item 3): pages show the agency's local time with its zone,
reports count the agency's days and read a day as the agency's midnight to midnight, CSV carries the offset, and the
API keeps UTC. Two reads sit an hour either side of the agency's midnight, which UTC days would count as one day."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from platewatch.domain.roles import Role
from platewatch.server.settings import Settings
from tests.server.test_hotlists_api import Actors, ingest
from tests.support.live_server import PURPOSE, LiveServer, read_payload

NY = ZoneInfo("America/New_York")


@pytest.mark.server_settings(time_zone="America/New_York")
def test_pages_reports_and_csv_follow_the_agencys_clock_while_the_api_keeps_utc(server: LiveServer) -> None:
    today = server.clock.now.astimezone(NY).date()
    yesterday, before = today - dt.timedelta(days=1), today - dt.timedelta(days=2)
    midnight = dt.datetime.combine(yesterday, dt.time(), NY).astimezone(dt.UTC)  # yesterday began, agency's clock
    late, early = midnight - dt.timedelta(hours=1), midnight + dt.timedelta(hours=1)
    unit = server.add_unit("car-1")
    late_read, early_read = read_payload("LATE001", late, seed=1), read_payload("EARLY01", early, seed=2)
    ingest(server, unit, late_read, early_read)

    actors = Actors(server)
    with actors.client(Role.SUPERVISOR) as c:
        two_days = c.get("/api/v1/reports/metrics", params={"since": str(before), "until": str(today)}).json()
        one_day = c.get("/api/v1/reports/metrics", params={"since": str(yesterday), "until": str(today)}).json()
        page = c.get("/reports", params={"since": str(before), "until": str(today)}).text
    assert [(x["key"], x["count"]) for x in two_days["reads_by_day"]] == [(str(before), 1), (str(yesterday), 1)]
    assert one_day["reads"] == 1 and one_day["since"] == midnight.isoformat().replace("+00:00", "Z")
    assert "days are the agency's (America/New_York)" in page

    with actors.client(Role.INVESTIGATOR) as c:
        found = c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "LATE001"}).json()
        read_page = c.get(f"/reads/{late_read['id']}", params=PURPOSE).text
    (hit,) = found["reads"]
    assert dt.datetime.fromisoformat(hit["captured_at"]) == late  # the API: UTC, as stored
    assert hit["captured_at"].endswith(("Z", "+00:00"))
    local = late.astimezone(NY)
    assert f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}" in read_page  # the page: the agency's clock and zone
    assert f'datetime="{late.isoformat()}"' in read_page

    with actors.client(Role.AUDITOR) as c:
        exported = c.get("/api/v1/querylog/export").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    header = rows.index(["Log row", "When", "User", "Action", "Parameters", "Purpose", "Case", "Results", "Outcome",
                         "Row hash"])  # fmt: skip
    offsets = {dt.datetime.fromisoformat(r[1]).utcoffset() for r in rows[header + 1 :]}
    assert offsets and offsets <= {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}


def test_a_time_zone_that_is_not_one_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'Eastern' is not an IANA time zone name such as 'America/New_York'"):
        Settings(time_zone="Eastern")
