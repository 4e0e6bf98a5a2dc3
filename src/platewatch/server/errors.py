"""One JSON error shape for every 4xx/5xx: {"error": CODE, "message": TEXT, "details": [...]}."""

from __future__ import annotations

import errno
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from platewatch.server.db.engine import disk_full

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by dependencies and services; rendered as JSON with `status`."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "details": details or []}


def _loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn pydantic errors into {"loc": "reads[3].plate", "index": 3, "field": "plate", ...}."""
    details = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
            loc = loc[1:]
        index = next((p for p in loc if isinstance(p, int)), None)
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
        message = str(err.get("msg", "invalid"))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        details.append({"loc": _loc_text(loc), "index": index, "field": field, "message": message})
    return details


def validation_message(exc: ValidationError) -> str:
    """A model's validation errors as one line for a person: "field: message; …"."""
    details = validation_details([dict(e) for e in exc.errors()])
    return "; ".join(f"{d['field']}: {d['message']}" if d["field"] else d["message"] for d in details)


def _html_error(request: Request, status: int, code: str, message: str) -> Response:
    """Pages get a page: a login redirect for 401, an error page otherwise."""
    if status == 401:
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    from platewatch.domain.roles import Role
    from platewatch.server.web.menu import offered, way_on
    from platewatch.server.web.routes import page

    title = {403: "Not allowed", 404: "Not found", 400: "Cannot run this query"}.get(status, "Error")
    user = getattr(request.state, "page_user", None)  # set once the request's session was found
    role = None if user is None else Role(user.role)
    menu = offered(role, user is not None and user.must_change_password, trained=code != "training_required")
    return page(
        request, "error.html", status=status, title=title, message=message, code=code, menu=menu,
        way_on=way_on(user, menu), person=user,
    )  # fmt: skip


STORAGE_FULL = (
    "the server's disk is full: nothing of this request was stored; a unit keeps its reads and sends them again "
    "(the server's administrator frees space in its data folder or database)"
)


def is_storage_full(exc: BaseException) -> bool:
    """A full disk or quota, as the filesystem, SQLite or PostgreSQL says it."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, OperationalError) and disk_full(exc)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if not request.url.path.startswith("/api/"):
            return _html_error(request, exc.status, exc.code, exc.message)
        return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = validation_details(list(exc.errors()))
        if any(d["message"].startswith("JSON decode error") for d in details):
            return JSONResponse(
                error_body("malformed_json", "request body is not valid JSON", details), status_code=400
            )
        summary = "; ".join(f"{d['loc'] or 'body'}: {d['message']}" for d in details[:5])
        if not request.url.path.startswith("/api/"):
            return _html_error(request, 422, "invalid_request", summary)
        return JSONResponse(error_body("invalid_request", summary, details), status_code=422)

    async def _storage(request: Request, exc: Exception) -> Response:
        """503 for a full disk (the request's transaction was rolled back), as a unit expects to try again later;
        any other error of these types is the server's fault, as before."""
        if not is_storage_full(exc):
            raise exc
        log.critical("a request failed because the disk is full (%s)", type(exc).__name__)
        if not request.url.path.startswith("/api/"):
            return _html_error(request, 503, "storage_full", STORAGE_FULL)
        return JSONResponse(error_body("storage_full", STORAGE_FULL), status_code=503)

    app.add_exception_handler(OSError, _storage)
    app.add_exception_handler(OperationalError, _storage)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc.__cause__, ApiError):  # raised while FastAPI read the body (one over the size limit)
            return await _api_error(request, exc.__cause__)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        # A 405 keeps Starlette's Allow header: the methods the path takes.
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)
