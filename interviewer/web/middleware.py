"""The one shape the app's own ASGI middlewares share: edit each HTTP response's start
message (its status line and headers) on its way out.

They are plain ASGI middlewares, not Starlette's BaseHTTPMiddleware, so a request costs no
extra task or stream: a measurable share of a turn's latency under load. Other scopes
(lifespan, websockets) pass straight through.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Edit = Callable[[Message], None]


class OnResponseStart:
    """Calls `editor(scope)` as a request comes in, and the edit it returns on the response's
    start message, before it is sent."""

    def __init__(self, app: ASGIApp):
        self.app = app

    def editor(self, scope: Scope) -> Edit:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        edit = self.editor(scope)

        async def edited(message: Message) -> None:
            if message["type"] == "http.response.start":
                edit(message)
            await send(message)

        await self.app(scope, receive, edited)
