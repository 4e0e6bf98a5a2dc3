"""ASGI middleware around every request: requests that change something from a page of another site or origin are
refused, bodies have a size limit, a body over 64 KiB is read only once its sender's credential is known valid, and
every response has the security headers.

Plain ASGI rather than Starlette's `BaseHTTPMiddleware`, which copies each request and response through
an extra task and costs measurably on the ingest path.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platewatch.server.deps import AUTHENTICATED, AppState, check_credential
from platewatch.server.errors import ApiError, error_body

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    # No page of the server uses a camera, microphone, location or payment: a script that got in cannot ask.
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANONYMOUS_BODY_BYTES = 64 * 1024
"""The most a request with no credentials, or with credentials not yet known valid, may send (a log-in is a few hundred
bytes): a larger one is refused before it is read, not after."""


def has_credentials(headers: Headers, query_string: bytes) -> bool:
    """Whether a request carries a token, a session cookie or an agent's `api_key` (valid or not: routes judge)."""
    if "authorization" in headers or b"api_key=" in query_string:
        return True
    return "pw_session=" in headers.get("cookie", "")


DEFAULT_PORTS = {"http": 80, "https": 443}


def same_origin(origin: str, scheme: str, host: str) -> bool:
    """Whether the page `origin` (scheme://host[:port]) is this server as the browser reached it: `scheme` and the
    `Host` header (behind the proxy, the scheme it says with X-Forwarded-Proto). An absent port is its scheme's."""
    theirs, ours = urlsplit(origin), urlsplit(f"{scheme}://{host}")
    try:
        their_port = theirs.port or DEFAULT_PORTS.get(theirs.scheme)
        our_port = ours.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number
        return False
    return (theirs.scheme, theirs.hostname, their_port) == (scheme, ours.hostname, our_port)


def cross_site(method: str, headers: Headers, scheme: str = "https") -> str | None:
    """Why a request that changes something came from a page of another site or origin, or None.

    The session cookie is SameSite=Strict, which keeps it off requests from other *sites*; but another host of the
    town's domain (or another port of this host) is the same site, and its pages would get the cookie sent. So a
    browser's request is refused when it says it came from a page of another site or of the same site
    (`Sec-Fetch-Site`, which every current browser sends); a browser too old to send it is judged by its `Origin`,
    whose scheme, host and port must be this server's (`scheme`, as uvicorn has it from the proxy's
    X-Forwarded-Proto, and the `Host` header). `Origin: null` is what our own pages' forms send (they set no
    referrer), so it proves nothing.
    Requests with an `Authorization` header (units, scripts) carry no cookie and are not checked; neither are
    requests no browser sent."""
    if method not in UNSAFE_METHODS or "authorization" in headers:
        return None
    site = headers.get("sec-fetch-site")
    if site is not None:
        if site in ("same-origin", "none"):
            return None
        return f"it came from a page of another {'site' if site == 'cross-site' else 'host or port'} ({site})"
    origin, host = headers.get("origin"), headers.get("host", "")
    if origin is None or origin == "null" or same_origin(origin, scheme, host):
        return None
    return f"it came from a page of {origin}, not of {scheme}://{host}"


async def _check_credential(scope: Scope) -> None:
    """Raise the 401 the route would answer to the request's token or session, asked in a thread (a database query)."""
    state: AppState = scope["app"].state.platewatch
    try:
        await run_in_threadpool(check_credential, state, Request(scope))
    except SQLAlchemyError as exc:  # not a 400 for a body FastAPI could not read: the unit tries again later
        raise ApiError(503, "database_unavailable", "the server runs but its database does not answer") from exc


ANONYMOUS_REFUSAL = "log in first: a request without a token or session sends at most {} bytes"


class HttpGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refused = cross_site(scope["method"], headers, scope.get("scheme", "http"))
        if refused is not None:
            message = f"refused: {refused}; use PlateWatch's own pages"
            response = JSONResponse(error_body("cross_site_request", message), 403)
            await response(scope, receive, self._with_headers(send))
            return
        limit, anonymous = self.max_body_bytes, not has_credentials(headers, scope.get("query_string", b""))
        if anonymous:
            limit = min(limit, ANONYMOUS_BODY_BYTES)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            response = self._too_large(limit, anonymous)
            await response(scope, receive, self._with_headers(send))
            return
        received = 0
        # A body that may be over 64 KiB is read only once its credential is known valid: by the route's own
        # authentication (units' ingest, which authenticates first), else here before the first byte. FastAPI reads a
        # route's JSON body before its dependencies run, so a wrong token would otherwise send up to the limit.
        unchecked = not anonymous and (
            "transfer-encoding" in headers or (length is not None and int(length) > ANONYMOUS_BODY_BYTES)
        )

        async def counted_receive() -> Message:
            # A body sent without Content-Length (chunked) is counted as it arrives.
            nonlocal received, unchecked
            if unchecked and not scope.get(AUTHENTICATED):
                unchecked = False
                await _check_credential(scope)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if anonymous:
                        raise ApiError(401, "not_authenticated", ANONYMOUS_REFUSAL.format(limit))
                    raise ApiError(413, "body_too_large", f"request body over {limit} bytes")
            return message

        await self.app(scope, counted_receive, self._with_headers(send))

    @staticmethod
    def _too_large(limit: int, anonymous: bool) -> JSONResponse:
        if anonymous:
            return JSONResponse(error_body("not_authenticated", ANONYMOUS_REFUSAL.format(limit)), 401)
        return JSONResponse(error_body("body_too_large", f"request body over {limit} bytes"), 413)

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        return send_with_headers
