"""Numbers past a column's range, numbers given as times and text with control characters are a 422 naming the field
on every route and on both stores, never a 500 (issue 22's outside probe)."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
import pytest
from fastapi.dependencies.utils import get_flat_params

from platewatch.domain.roles import Role
from platewatch.domain.text_rules import control_character
from platewatch.server.app import api_routes, create_app
from platewatch.server.inputs import INT64_MAX
from platewatch.server.settings import Settings
from tests.server.test_hotlists_api import Actors
from tests.support.live_server import PURPOSE, LiveServer, read_payload

HUGE = 2**64 + 1
PAST_INT32 = 2**31


def _schema(field: Any) -> dict[str, Any]:
    info = field.field_info
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return dict(pydantic.TypeAdapter(annotation).json_schema())


def _integers(schema: Any) -> list[dict[str, Any]]:
    """Every integer schema inside `schema` (through anyOf, items, properties)."""
    if isinstance(schema, list):
        return [i for s in schema for i in _integers(s)]
    if not isinstance(schema, dict):
        return []
    found = [schema] if schema.get("type") == "integer" else []
    return found + [i for v in schema.values() if isinstance(v, dict | list) for i in _integers(v)]


def test_every_integer_a_route_takes_in_its_path_or_query_has_an_upper_bound() -> None:
    unbounded = [
        f"{sorted(route.methods)[0]} {route.path} {field.name}"
        for route in api_routes()
        for field in get_flat_params(route.dependant)
        for integer in _integers(_schema(field))
        if integer.get("maximum", INT64_MAX + 1) > INT64_MAX
    ]
    assert unbounded == []


def test_every_integer_of_a_request_body_has_an_upper_bound(tmp_path: Any) -> None:
    spec = create_app(Settings(database_url=f"sqlite:///{tmp_path}/x.db")).openapi()
    bodies = {
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for ops in spec["paths"].values()
        for op in ops.values()
        if "application/json" in op.get("requestBody", {}).get("content", {})
        and "$ref" in op["requestBody"]["content"]["application/json"]["schema"]
    }
    schemas = spec["components"]["schemas"]
    seen: set[str] = set()
    todo = list(bodies)
    unbounded = []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        schema = schemas[name]
        todo += [r.rsplit("/", 1)[1] for r in _refs(schema)]
        unbounded += [name for i in _integers(schema) if i.get("maximum", INT64_MAX + 1) > INT64_MAX]
    assert bodies and unbounded == []


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, list):
        return [r for s in schema for r in _refs(s)]
    if not isinstance(schema, dict):
        return []
    own = [schema["$ref"]] if isinstance(schema.get("$ref"), str) else []
    return own + [r for v in schema.values() if isinstance(v, dict | list) for r in _refs(v)]


@pytest.mark.parametrize(
    ("text", "bad"),
    [("plain", None), ("tab\tline\r\n", None), ("é 😀", None), ("nul\x00", "U+0000"), ("\x1b[2J", "U+001B"),
     ("del\x7f", "U+007F"), ("c1\x85", "U+0085"), ("half\ud800", "U+D800")],
)  # fmt: skip
def test_control_characters_are_named(text: str, bad: str | None) -> None:
    assert control_character(text) == bad


def test_ids_and_numbers_past_the_columns_are_422_not_500(server: LiveServer) -> None:
    actors = Actors(server)
    with actors.client(Role.ADMINISTRATOR) as admin:
        paths = [
            f"/api/v1/audits/{PAST_INT32}", "/api/v1/audits/99999999999", f"/api/v1/hotlists/{PAST_INT32}/versions",
            f"/api/v1/equipment/{PAST_INT32}", f"/api/v1/holds/{PAST_INT32}", f"/api/v1/holds/{HUGE}",
        ]  # fmt: skip
        answers = {path: admin.get(path, params=PURPOSE) for path in paths}
        answers["diff"] = admin.get("/api/v1/hotlists/diff", params={"from": HUGE})
        answers["querylog"] = admin.get("/api/v1/querylog", params={"cursor": f"older-{HUGE}"})
        answers["until"] = admin.get("/api/v1/querylog", params={"until": "0.5"})
        answers["since"] = admin.get("/api/v1/querylog", params={"since": "1700000000"})
        answers["item"] = admin.post(f"/api/v1/audits/1/items/{HUGE}", json={"finding": "compliant"})
    with actors.client(Role.SUPERVISOR) as supervisor:
        answers["alert"] = supervisor.get(f"/api/v1/alerts/{PAST_INT32}", params=PURPOSE)
        answers["context"] = supervisor.get("/api/v1/reads/search", params={"plate": "ABC1234", "context": HUGE})
        answers["search until"] = supervisor.get(
            "/api/v1/reads/search", params={"plate": "A1", "until": "0.5", **PURPOSE}
        )
    with server.client(server.add_unit()) as unit:
        answers["shift"] = unit.get(f"/api/v1/unit/shifts/{PAST_INT32}")
    for name, r in answers.items():
        assert r.status_code == 422, (name, r.status_code, r.text)
        assert r.json()["details"], (name, r.text)


def test_text_with_a_control_character_is_422_naming_the_field(server: LiveServer) -> None:
    actors = Actors(server)
    with actors.client(Role.ADMINISTRATOR) as admin:
        unit = admin.post("/api/v1/units", json={"name": "nul\u0000unit", "kind": "mobile"})
        equipment = admin.post("/api/v1/equipment", json={"serial": "X1", "kind": "camera", "description": "a\x1bb"})
        ok = admin.post("/api/v1/units", json={"name": "car-7", "kind": "mobile", "approved_for": "cruiser\t7"})
    with actors.client(Role.SUPERVISOR) as supervisor:
        search = supervisor.get("/api/v1/reads/search", params={"camera": "a\x00b", **PURPOSE})
        found = supervisor.get("/api/v1/reads/search", params={"camera": "front", **PURPOSE})
    with server.client(server.add_unit()) as unit_client:  # a json_body route, checked after the unit's token
        batch = unit_client.post("/api/v1/reads", json={"reads": [read_payload(camera="front\x00", images=False)]})
    with server.client() as anonymous:
        form = anonymous.post("/login", data={"username": "a\x00b", "password": "x"})
        half = b'{"username": "x", "password": "y\\udc00"}'  # half a surrogate pair, as JSON may escape it
        surrogate = anonymous.post("/api/v1/auth/login", content=half, headers={"content-type": "application/json"})
    assert ok.status_code == 201, ok.text  # a tab is text
    assert found.status_code == 200, found.text
    for r, field in (
        (unit, "name"),
        (equipment, "description"),
        (search, "camera"),
        (surrogate, "password"),
        (batch, "camera"),
    ):
        assert r.status_code == 422, r.text
        assert [d["field"] for d in r.json()["details"]] == [field], r.text
        assert "control character" in r.json()["message"]
    assert form.status_code == 422 and "username" in form.text and "control character" in form.text
    with server.db() as db:  # the refused search wrote no query-log row with a NUL in it
        from platewatch.server.querylog.models import QueryLogEntry

        assert all("\x00" not in str(e.parameters) for e in db.query(QueryLogEntry))


def test_json_nested_past_pythons_stack_is_refused_not_a_500(server: LiveServer) -> None:
    deep = b'{"reads": ' + b"[" * 5000 + b'"\\u0000"' + b"]" * 5000 + b"}"
    with server.client(server.add_unit()) as c:
        r = c.post("/api/v1/reads", content=deep, headers={"content-type": "application/json"})
        agent = c.post("/api/v1/openalpr", content=deep, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and agent.status_code in (400, 422), (r.text, agent.text)
