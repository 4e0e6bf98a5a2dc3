"""deploy/nginx/platewatch.conf agrees with the server's settings and keeps plates out of nginx's logs."""

from __future__ import annotations

import re
from pathlib import Path

from platewatch.server.settings import Settings

CONF = (Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "platewatch.conf").read_text()
DIRECTIVES = [line.split("#", 1)[0].strip() for line in CONF.splitlines() if line.split("#", 1)[0].strip()]


def values(name: str) -> list[str]:
    return [d[len(name) :].strip().rstrip(";").strip() for d in DIRECTIVES if d.split()[0] == name]


def test_it_proxies_to_the_servers_default_address_and_takes_its_largest_request() -> None:
    default = {name: field.default for name, field in Settings.model_fields.items()}  # not this machine's environment
    assert values("proxy_pass") == ["http://platewatch"]
    # The upstream block lists the API workers: as shipped, the one server on this host (`server {` opens a block).
    workers = [v for v in values("server") if v != "{"]
    assert workers == [f"{default['host']}:{default['port']}"]
    assert values("upstream") == ["platewatch {"] and "least_conn;" in DIRECTIVES
    size = re.fullmatch(r"(\d+)([km]?)", values("client_max_body_size")[0])
    assert size is not None
    limit = int(size.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[size.group(2)]
    assert limit >= default["request_max_bytes"]


def test_no_access_log_and_only_tls_1_2_or_later() -> None:
    assert values("access_log") == ["off", "off"]  # both servers: URLs carry plates and purposes
    assert not any(d.startswith("log_format") for d in DIRECTIVES)
    (protocols,) = values("ssl_protocols")
    assert set(protocols.split()) <= {"TLSv1.2", "TLSv1.3"}


def test_the_forwarded_headers_are_set_not_appended() -> None:
    headers = {v.split()[0]: v.split(None, 1)[1] for v in values("proxy_set_header")}
    assert headers["X-Forwarded-For"] == "$remote_addr"  # not $proxy_add_x_forwarded_for: a client could add one
    assert headers["X-Forwarded-Proto"] == "https"
    assert values("deny") == ["all"]


def test_bodies_stream_to_the_server_so_a_wrong_credential_is_refused_before_its_body() -> None:
    assert values("proxy_request_buffering") == ["off"]  # else nginx takes up to 64 MiB before the server's 401
