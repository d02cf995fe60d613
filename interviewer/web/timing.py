"""The Server-Timing header (INTERVIEWER_SERVER_TIMING=1): the app's own time on a request.

`app` is from the moment the app is handed the request to the moment it starts the
response; `model` is the part of that spent waiting on the model (`interviewer.timing`).
The load benchmark reads both, so its latency figures can say what is the app's and what is
the load generator's or the fake model's. A plain ASGI middleware, and only installed when
asked for: the default server times nothing.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interviewer.timing import start_request


class ServerTiming:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        model = start_request()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                app_ms = (time.perf_counter() - began) * 1000
                value = f"app;dur={app_ms:.2f}, model;dur={model[0] * 1000:.2f}"
                message["headers"] = [*message.get("headers", []),
                                      (b"server-timing", value.encode())]
            await send(message)

        await self.app(scope, receive, timed)
