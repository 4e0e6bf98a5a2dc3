"""The OpenAPI document's security and errors: the schemes PlateWatch takes (a person's session, a unit's token), for
each operation which of them it needs and the 401/403 it answers without them, and the error answers any operation
may give, in the one error shape (`errors.error_body`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from platewatch.server.deps import SESSION_COOKIE, Public, current_session, unit_auth

SCHEMES: dict[str, dict[str, Any]] = {
    "session": {"type": "http", "scheme": "bearer", "description": "a person's session token (pws_…) from log-in"},
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE, "description": "the pages' session"},
    "unitToken": {"type": "http", "scheme": "bearer", "description": "a unit's API token (pwu_…)"},
    "unitApiKey": {
        "type": "apiKey", "in": "query", "name": "api_key",
        "description": "a unit's API token, for OpenALPR agents that cannot set headers",
    },
}  # fmt: skip
ERROR = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object"}},
    },
}
_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
PERSON = {
    "security": [{"session": []}, {"sessionCookie": []}],
    "401": "not logged in, or the session ended or locked",
    "403": "the person's role may not, training is not current, or a one-time password must be changed first",
}
UNIT = {"security": [{"unitToken": []}, {"unitApiKey": []}], "401": "no unit token, or a revoked or unknown one"}
PUBLIC_WITH_BODY = "wrong credentials, or a body over 64 KiB sent without any (`http_guard`)"
ERRORS = {
    "400": "malformed JSON, or a request the route cannot run as given (the message says why)",
    "404": "no such row (an id, a name)",
    "409": "the row's state does not allow it (already done, another's)",
    "413": "the body is over the size limit",
    "422": "a field is invalid: `details` names each (its place, its field, why)",
    "503": "the database does not answer, its disk is full, or a restore took the store",
}


def _calls(dep: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dep.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def who_may_call(route: APIRoute) -> dict[str, Any] | None:
    """The security of a route: a unit's, a person's, or None for a public one."""
    calls = set(_calls(route.dependant))
    if unit_auth in calls:
        return UNIT
    if current_session in calls:
        return PERSON
    if Public in calls:
        return None
    raise ValueError(f"{route.path} declares no access rule")


def describe(document: dict[str, Any], routes: list[APIRoute]) -> None:
    """Add the security schemes, each operation's security and its 401/403 answers to `document`."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SCHEMES)
    components.setdefault("schemas", {})["Error"] = ERROR
    for route in routes:
        operations = document.get("paths", {}).get(route.path_format, {})
        rule = who_may_call(route)
        for method in route.methods or ():
            operation = operations.get(method.lower())
            if operation is None:
                continue
            operation["security"] = rule["security"] if rule else []
            responses = operation.setdefault("responses", {})
            for status in ("401", "403"):
                if rule and status in rule:
                    responses[status] = {"description": rule[status], **_ERROR_REF}
            if rule is None and "requestBody" in operation:
                responses["401"] = {"description": PUBLIC_WITH_BODY, **_ERROR_REF}
            for status, description in ERRORS.items():
                responses[status] = {"description": description, **_ERROR_REF}
