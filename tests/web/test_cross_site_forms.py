"""A page on another port of the server's host (the same *site*, so the SameSite=Strict session cookie goes along)
submits a form that would create an administrator while the administrator is logged in: the browser's request is
refused and nothing is created."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import User
from tests.support.live_server import LiveServer, serving
from tests.web.test_pages import open_as

pytestmark = pytest.mark.browser


def forging_site(target: str) -> Starlette:
    """Another page of the town's site, which auto-submits a form to PlateWatch."""

    async def page(_: Request) -> HTMLResponse:
        return HTMLResponse(
            f'<form method="post" action="{target}/people"><input name="username" value="intruder">'
            '<input name="full_name" value="Not Hired"><input name="role" value="administrator"></form>'
            "<script>document.forms[0].submit()</script>"
        )

    return Starlette(routes=[Route("/", page)])


def test_a_form_from_another_port_of_the_host_creates_no_administrator(server: LiveServer, browser: Any) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    context, page = open_as(browser, server, admin, "/people")
    with serving(forging_site(server.url)) as elsewhere:
        with page.expect_response(f"{server.url}/people") as answer:
            page.goto(elsewhere)
        assert answer.value.status == 403
        assert "cross_site_request" in page.content() and "another host or port (same-site)" in page.content()
    with server.db() as db:
        assert db.scalar(select(User).where(User.username == "intruder")) is None
    page.goto(f"{server.url}/people")  # PlateWatch's own page still works, logged in
    page.fill("input[name=username]", "hired")
    page.fill("input[name=full_name]", "Hired Properly")
    page.select_option("#role", "officer")
    page.click("#create-form button")
    page.wait_for_selector("text=Account created")
    context.close()
