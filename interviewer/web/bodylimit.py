"""A cap on request bodies, enforced before anything parses them.

FastAPI reads and parses a whole JSON body before any route or model can look at its size:
a 300 MB answer took 6 s and 900 MB of memory to be refused. This ASGI middleware refuses a
body over the cap from its Content-Length alone, and counts a chunked body as it arrives,
replaying it to the app only once it is known to fit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Every character of an answer may reach us as 12 bytes: a form percent-encodes each byte of
# a 4-byte UTF-8 character, and JSON escapes it as a surrogate pair of \\uXXXX. Plus room for
# the other fields.
BYTES_PER_CHAR = 12
ENVELOPE = 16_384


def text_limit(max_answer_chars: int) -> int:
    """The largest body a form or JSON request carrying the longest allowed answer needs."""
    return BYTES_PER_CHAR * max_answer_chars + ENVELOPE


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Answer 413 to any request whose body is larger than `limit_for(path)` bytes."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]):
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None:  # the server has checked it is a number and the body matches
            if int(length) > limit:
                await _refuse(scope, send, limit)
                return
            await self.app(scope, receive, send)
            return
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            await self.app(scope, receive, send)  # no body at all
            return
        try:
            body = await _read_within(receive, limit)
        except BodyTooLarge:
            await _refuse(scope, send, limit)
            return
        if body is not None:  # None: the client went away before sending it all
            await self.app(scope, _replay(body, receive), send)


async def _read_within(receive: Receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # later calls only wait for the client to disconnect
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    message = (f"the request body is larger than {limit:,} bytes, the most this address "
               "accepts; shorten the answer and send it again")
    if scope["path"].startswith("/api/"):
        body, media = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        body = (f"<!doctype html><title>Too large</title><p>{escape(message[0].upper())}"
                f"{escape(message[1:])}.</p>").encode()
        media = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
