"""Request bodies that pydantic validates straight from the request bytes, in one pass.

FastAPI parses a JSON body into Python objects and validates those; for the ingest route, where a body
holds up to 1,000 reads, validating the bytes directly costs about a fifth less. Errors keep the shape
of FastAPI's own (a 422 naming each field, a 400 for malformed JSON), and the OpenAPI document still
describes the body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from platewatch.server.errors import ApiError, validation_details
from platewatch.server.inputs import json_control_characters

_MODELS: dict[str, type[BaseModel]] = {}
M = TypeVar("M", bound=BaseModel)


def json_body(model: type[M]) -> tuple[Callable[[Request], Awaitable[M]], dict[str, Any]]:
    """A dependency returning the validated body, and the route's `openapi_extra` describing it."""
    _MODELS[model.__name__] = model

    async def dependency(request: Request) -> M:
        body = await request.body()
        check_text(body)
        return validate(model, body)

    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    extra = {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}
    return dependency, extra


def check_text(body: bytes) -> None:
    """A 422 naming each text of the body with a control character (`inputs.json_control_characters`)."""
    if problems := json_control_characters(body):
        raise RequestValidationError(problems)


def validate(model: type[M], body: bytes) -> M:
    """The body validated as `model`: a 400 for malformed JSON, a 422 naming each field otherwise."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        if any(e["type"] == "json_invalid" for e in errors):
            details = validation_details([dict(e) for e in errors])
            raise ApiError(400, "malformed_json", "request body is not valid JSON", details) from exc
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from exc


def openapi_components() -> dict[str, Any]:
    """Schemas of the models that `json_body` routes take, for the OpenAPI document's components."""
    out: dict[str, Any] = {}
    for name, model in _MODELS.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out.update(schema.pop("$defs", {}))
        out[name] = schema
    return out
