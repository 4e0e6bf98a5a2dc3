"""The pages' Content-Security-Policy, with literal inputs."""

from __future__ import annotations

from platewatch.domain.content_policy import content_policy


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
