"""The pages' Content-Security-Policy with literal inputs, and on the live server's pages."""

from __future__ import annotations

import re

from platewatch.server.web.content_policy import content_policy
from tests.support.live_server import LiveServer


def test_the_policy_allows_the_servers_scripts_the_nonce_and_the_tile_server() -> None:
    policy = content_policy("abc", "https://gis.town.gov:8443/tiles/{z}/{x}/{y}.png")
    assert "script-src 'self' 'nonce-abc'" in policy.split("; ")
    assert "img-src 'self' data: https://gis.town.gov:8443" in policy.split("; ")
    assert {"object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"} <= set(
        policy.split("; ")
    )
    assert "unsafe-inline" not in policy.split("; ")[1] and "unsafe-eval" not in policy
    assert "img-src 'self' data:" in content_policy("abc", "").split("; ")  # no tiles configured
    assert "img-src 'self' data:" in content_policy("abc", "javascript:alert(1)").split("; ")  # not a server


def test_every_page_gets_a_fresh_nonce_that_its_own_scripts_carry(server: LiveServer) -> None:
    with server.client() as c:
        first, second = c.get("/login"), c.get("/login")
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"]) for r in (first, second)]
    assert all(nonces) and nonces[0].group(1) != nonces[1].group(1)  # type: ignore[union-attr]
