"""A bounded schemathesis run over the whole OpenAPI document, as anonymous, as a unit and as an administrator, on each
store: no input gets a 5xx, and every answer is one the document declares (its status, content type and schema)
(issue 22). Examples are drawn the same way each run (derandomized), so a failure is one
that a rerun shows again; `PLATEWATCH_FUZZ_EXAMPLES` draws more of them."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, response_schema_conformance, status_code_conformance
from schemathesis.core.failures import Failure, FailureGroup

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer

EXAMPLES = int(os.environ.get("PLATEWATCH_FUZZ_EXAMPLES", "6"))
ENDS_OWN_SESSION = {
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/me/password"),  # a right guess would end the other sessions: it cannot, but skip it
}
STREAM = ("GET", "/api/v1/alerts/stream")  # a feed open for up to an hour: asked for one second
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]


def _headers(server: LiveServer, who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    token = server.add_unit("fuzz-unit") if who == "unit" else server.login(server.add_person(Role.ADMINISTRATOR))
    return {"Authorization": f"Bearer {token}"}


def _strategy(operation: Any, mode: GenerationMode) -> Any:
    if (operation.method.upper(), operation.path) == STREAM:
        return operation.as_strategy(generation_mode=mode, query={"seconds": 1})
    return operation.as_strategy(generation_mode=mode)


def _run(strategy: Any, call: Callable[[Any], None]) -> None:
    @hypothesis.given(case=strategy)
    @hypothesis.settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def each(case: Any) -> None:
        call(case)

    each()


@pytest.mark.slow
@pytest.mark.parametrize("who", ["anonymous", "unit", "administrator"])
def test_no_request_gets_a_server_error(server: LiveServer, who: str) -> None:
    document = httpx.get(f"{server.url}/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    headers = _headers(server, who)
    failures: dict[str, str] = {}
    asked = 0

    def call(case: Any) -> None:
        nonlocal asked
        asked += 1
        response = case.call(base_url=server.url, headers=headers, timeout=60)
        if response.status_code >= 500:
            key = f"{case.method} {case.path} {response.status_code}"
            failures.setdefault(
                key, f"{case.formatted_path} {case.query} {str(case.body)[:200]}: {response.text[:300]}"
            )
            return
        try:
            case.validate_response(response, checks=CONFORMANCE)
        except (Failure, FailureGroup) as exc:
            for failure in getattr(exc, "exceptions", [exc]):
                key = f"{case.method} {case.path} {response.status_code} {type(failure).__name__}"
                failures.setdefault(key, str(failure)[:300])

    for result in schema.get_all_operations():
        operation = result.ok()
        if who == "administrator" and (operation.method.upper(), operation.path) in ENDS_OWN_SESSION:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(_strategy(operation, mode), call)
            except hypothesis.errors.Unsatisfiable:
                continue  # nothing negative to draw (no parameters, no body)
    assert asked > 100
    assert failures == {}
