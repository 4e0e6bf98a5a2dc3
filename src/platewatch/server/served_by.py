"""The `X-PlateWatch-Served-By` header: which database answered a request's reads when the store has standbys
(`deps.SERVED`), so a client knows when a standby was skipped or how old its answer may be (issue 23 item 5)."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platewatch.domain.replicas import Served

HEADER = b"x-platewatch-served-by"


class ServedBy:
    """ASGI middleware: adds the header to a response whose request read through `deps._reads_session`."""

    def __init__(self, app: ASGIApp, state_key: str) -> None:
        self.app = app
        self.state_key = state_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})

        async def sending(message: Message) -> None:
            served = state.get(self.state_key)
            if message["type"] == "http.response.start" and isinstance(served, Served):
                headers = list(message.get("headers", []))
                headers.append((HEADER, served.header.encode("ascii", "replace")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
