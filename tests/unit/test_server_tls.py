"""A unit reaches a server whose certificate the department's own CA signed (a real HTTPS server on 127.0.0.1, a CA
made with the openssl command): refused with what to do while the unit does not trust that CA, reached once
it does (the CA's file named in SSL_CERT_FILE, as IT would put it in unit.env)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from platewatch.cli.main import app
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker
from platewatch.server.settings import Settings
from platewatch.unit import install_check
from platewatch.unit.uploader import tls_trust
from tests.conftest import Clock
from tests.support.live_server import LiveServer, serving


def department_ca(folder: Path) -> tuple[Path, Path, Path]:
    """(the CA's certificate, the server's certificate for 127.0.0.1 signed by it, the server's key)."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Town PD test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=lpr")
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
    )  # fmt: skip
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


@pytest.fixture
def https_server(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[tuple[LiveServer, Path]]:
    """The PlateWatch server over HTTPS with a certificate of the department's CA; yields it and the CA's file."""
    ca, cert, key = department_ca(tmp_path)
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", purge_every_minutes=0)
    served = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    with serving(served, ssl_certfile=str(cert), ssl_keyfile=str(key)) as base:
        yield LiveServer(base, settings, clock, sessions), ca
    sessions.kw["bind"].dispose()
    served.state.engine.dispose()


def test_a_unit_trusts_the_departments_ca_once_it_is_given(
    https_server: tuple[LiveServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, ca = https_server
    assert server.url.startswith("https://")
    token = server.add_unit("car-31")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    (refused,) = install_check.server(server.url, token)  # what `platewatch unit check` asks
    assert not refused.ok and "CERTIFICATE_VERIFY_FAILED" in refused.detail
    assert "not signed by a CA this computer trusts" in refused.detail and "update-ca-certificates" in refused.detail

    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    known, clock = install_check.server(server.url, token)
    assert known.ok and f"{server.url} knows this unit as car-31" in known.detail, known.detail
    assert clock.ok


def test_a_unit_trusts_the_operating_systems_store(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where IT puts the department's CA for every program of the car computer (Debian: update-ca-certificates).
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    bundle = Path(ssl.get_default_verify_paths().cafile or "/nonexistent")
    if not bundle.is_file():
        pytest.skip("this system has no CA bundle file (Debian: the ca-certificates package)")
    in_store = {c["subject"] for c in tls_trust().get_ca_certs()}
    assert len(in_store) > 0 and len(tls_trust().get_ca_certs()) == bundle.read_text().count("BEGIN CERTIFICATE")


def test_unit_check_trusts_the_ca_that_unit_env_names(
    https_server: tuple[LiveServer, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # systemd gives unit.env's SSL_CERT_FILE to the agent; `unit check --env-file` must trust the same CA.
    server, ca = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "nothing-here.pem"))  # restored after the test
    tokens = tmp_path / "unit.token"
    tokens.write_text(server.add_unit("car-32") + "\n")
    tokens.chmod(0o600)
    env = tmp_path / "unit.env"
    args = ["unit", "check", "--token-file", str(tokens), "--outbox", str(tmp_path / "outbox.db"), "--screen", "off"]
    for ca_line in ("", f"SSL_CERT_FILE={ca}\n"):
        env.write_text(f"PLATEWATCH_UNIT_SERVER={server.url}\nPLATEWATCH_UNIT_CAMERA={tmp_path / 'no.avi'}\n{ca_line}")
        done = CliRunner().invoke(app, [*args, "--env-file", str(env)])
        server_line = next(line for line in done.output.splitlines() if "  server: " in line)
        if ca_line:
            assert server_line.startswith("ok") and "knows this unit as car-32" in server_line, server_line
        else:
            assert server_line.startswith("FAIL") and "update-ca-certificates" in server_line, server_line
