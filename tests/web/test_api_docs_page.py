"""The API's documentation page (`/docs`) in a real browser, on a network that reaches nothing but the
server: a department's closed network. Its scripts come from the server itself, not a CDN."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_from_the_server_alone(server: LiveServer, browser: Any) -> None:
    context = browser.new_context()
    asked: list[str] = []
    context.route("**/*", lambda route: (asked.append(route.request.url), route.continue_())[1])
    page = context.new_page()
    page.goto(f"{server.url}/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "PlateWatch operations server" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/reads/search']")  # read from /openapi.json
    assert "Reads, search and the Data Query Log" in page.inner_text(".swagger-ui .info")
    assert asked and {urlsplit(u).netloc for u in asked} == {urlsplit(server.url).netloc}  # nothing from outside
    context.close()
