"""The units page in a real browser: a supervisor sees who is on shift in each car and which car has not handed in
its shift's reads (order V.E.2h)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.server.test_unit_status import logon
from tests.support.live_server import LiveServer
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def test_a_supervisor_sees_the_officer_on_shift_and_a_car_with_reads_left(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    on_patrol, parked = server.add_unit("car-12"), server.add_unit("car-7")
    logon(server, on_patrol)
    with server.client(on_patrol) as c:
        c.get("/api/v1/unit/hotlist")
    shift = logon(server, parked, "mjones")
    with server.client(parked) as c:  # the shift ended, and the car went off the network with reads aboard
        c.get("/api/v1/unit/hotlist")
        c.post("/api/v1/unit/logoff", json={"shift": shift}, headers={"X-Outbox-Pending": "40"})
    context, page = open_as(browser, server, server.add_person(Role.SUPERVISOR), "/units")
    assert "jsmith" in page.inner_text("#unit-car-12 .officer")
    assert page.inner_text("#unit-car-12 .warnings") == "nothing"
    assert "nobody" in page.inner_text("#unit-car-7 .officer")
    assert "40 reads still on the unit" in page.inner_text("#unit-car-7 .warnings")
    page.screenshot(path=str(shots / "units.png"), full_page=True)
    context.close()
