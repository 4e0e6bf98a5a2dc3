"""The OpenAPI document says how to authenticate: the security schemes, each operation's, and its 401/403 (issue 22)."""

from __future__ import annotations

from pathlib import Path

from platewatch.server.app import create_app
from platewatch.server.settings import Settings


def test_every_operation_declares_its_security_and_its_refusals(tmp_path: Path) -> None:
    document = create_app(Settings(database_url=f"sqlite:///{tmp_path}/x.db")).openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["session"] == {**schemes["session"], "type": "http", "scheme": "bearer"}
    assert schemes["unitApiKey"]["in"] == "query" and schemes["sessionCookie"]["name"] == "pw_session"
    operations = {f"{m.upper()} {p}": op for p, ops in document["paths"].items() for m, op in ops.items()}
    assert all("security" in op for op in operations.values()), [
        k for k, op in operations.items() if "security" not in op
    ]
    assert operations["GET /api/v1/health"]["security"] == []
    assert operations["POST /api/v1/auth/login"]["security"] == []
    assert operations["POST /api/v1/reads"]["security"] == [{"unitToken": []}, {"unitApiKey": []}]
    person = operations["GET /api/v1/audits/{audit_id}"]
    assert person["security"] == [{"session": []}, {"sessionCookie": []}]
    assert {"401", "403"} <= set(person["responses"])
    error = person["responses"]["403"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"} and "Error" in document["components"]["schemas"]
    assert "401" in operations["POST /api/v1/openalpr"]["responses"]


def test_every_operation_declares_the_error_answers_in_their_one_shape(tmp_path: Path) -> None:
    document = create_app(Settings(database_url=f"sqlite:///{tmp_path}/x.db")).openapi()
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "404", "409", "413", "422", "503"):
                said = operation["responses"][status]["content"]["application/json"]["schema"]
                assert said == error, (method, path, status)
    assert document["paths"]["/api/v1/auth/login"]["post"]["responses"]["401"]
    stream = document["paths"]["/api/v1/alerts/stream"]["get"]["responses"]["200"]["content"]
    assert "text/event-stream" in stream
