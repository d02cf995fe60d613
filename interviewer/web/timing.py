"""The Server-Timing header (INTERVIEWER_SERVER_TIMING=1): the app's own time on a request.

`app` is from the moment the app is handed the request to the moment it starts the
response; `model` is the part of that spent waiting on the model (`interviewer.timing`).
The load benchmark reads both, so its latency figures can say what is the app's and what is
the load generator's or the fake model's. A plain ASGI middleware, and only installed when
asked for: the default server times nothing.
"""

from __future__ import annotations

import time

from starlette.types import Message, Scope

from interviewer.timing import start_request
from interviewer.web.middleware import Edit, OnResponseStart


class ServerTiming(OnResponseStart):
    def editor(self, scope: Scope) -> Edit:
        began = time.perf_counter()
        model = start_request()

        def add(message: Message) -> None:
            app_ms = (time.perf_counter() - began) * 1000
            value = f"app;dur={app_ms:.2f}, model;dur={model[0] * 1000:.2f}"
            message["headers"] = [*message.get("headers", []), (b"server-timing", value.encode())]

        return add
