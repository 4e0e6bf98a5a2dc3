"""Read the access rule of every route from the app's own route table (used by the matrix tests)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from platewatch.domain.roles import Permission
from platewatch.server.app import api_routes
from platewatch.server.deps import Public, unit_auth


@dataclass(frozen=True)
class Rule:
    kind: str  # public | unit | permission | logged
    permission: Permission | None = None
    action: str | None = None
    standing: tuple[str, str] | None = None  # the purpose recorded when none is given


def _calls(dep: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dep.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def rule_of(route: APIRoute) -> Rule | None:
    calls = list(_calls(route.dependant))
    logged = [c for c in calls if hasattr(c, "query_action")]
    if logged:
        c = logged[0]
        return Rule("logged", c.permission, c.query_action.value, c.standing_purpose)  # type: ignore[attr-defined]
    perms = [c for c in calls if hasattr(c, "permission")]
    if perms:
        return Rule("permission", perms[0].permission)  # type: ignore[attr-defined]
    if unit_auth in calls:
        return Rule("unit")
    if Public in calls:
        return Rule("public")
    return None


def returns_read_data(method: str, path: str, rule: Rule) -> bool:
    """Routes whose answers contain reads (plates seen, images, places): they must be query-logged."""
    if method == "POST" and rule.kind == "unit":
        return False  # ingest: units send reads, they get none back
    if path == "/search":
        return False  # the empty search form
    return method == "GET" and any(part in path for part in ("/reads", "/search", "/alerts", "/holds", "/map/"))


def routes() -> list[tuple[str, str, APIRoute]]:
    out = []
    for r in api_routes():
        for method in sorted(r.methods - {"HEAD"}):
            out.append((method, r.path, r))
    return out


def fill_path(path: str, read_id: uuid.UUID | None = None) -> str:
    return (
        path.replace("{read_id}", str(read_id or uuid.uuid4()))
        .replace("{kind}", "plate")
        .replace("{username}", "nobody")
        .replace("{name}", "nobody")
        .replace("{alert_id}", "1")
        .replace("{list_id}", "1")
        .replace("{hold_id}", "1")
        .replace("{equipment_id}", "1")
        .replace("{shift_id}", "1")
        .replace("{request_id}", "1")
        .replace("{assignment_id}", "1")
    )
