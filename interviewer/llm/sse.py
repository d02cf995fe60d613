"""A chat-completion stream (server-sent events) read as it arrives, one event at a time.

`LLMModel` reads its streamed replies straight off the connection: the openai SDK's path
(its request building, httpx2 over aiohttp, its SSE decoder) cost ~0.6 ms of CPU a request
more than the connection itself. What it did with the events is kept: `data:` lines make
one event up to a blank line, `[DONE]` ends the stream (the rest of the body is read, as
the SDK does, so the connection goes back to the pool), each event is JSON, and an event
that carries an `error` is the server failing mid-stream (`StreamFailed`, as the SDK's
APIError). A line that is not JSON is a ValueError, as it was.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import aiohttp

from interviewer.llm.completion import Malformed


class StreamFailed(Exception):
    """The server sent an error in place of the next chunk."""

    def __init__(self, message: str, body: Any):
        super().__init__(message)
        self.body = body


async def events(lines: AsyncIterable[bytes]) -> AsyncIterator[Any]:
    """The decoded JSON of each event, until `[DONE]` or the end of the body."""
    data: list[bytes] = []
    async for raw in lines:
        line = raw.rstrip(b"\r\n")
        if line:
            name, _, value = line.partition(b":")
            if name == b"data":
                data.append(value[1:] if value.startswith(b" ") else value)
            continue  # comments (":..."), "event:", "id:", "retry:" carry nothing we use
        if not data:
            continue
        payload, data = b"\n".join(data), []
        if payload.startswith(b"[DONE]"):
            async for _ in lines:  # the rest of the body, so the connection can be reused
                pass
            return
        yield _decoded(payload)
    if data and not data[0].startswith(b"[DONE]"):  # a body that ends without a blank line
        yield _decoded(b"\n".join(data))


def _decoded(payload: bytes) -> Any:
    event = json.loads(payload)  # a ValueError when it is not JSON
    if isinstance(event, dict) and event.get("error"):
        error = event["error"]
        message = error.get("message") if isinstance(error, dict) else None
        raise StreamFailed(message if isinstance(message, str) and message
                           else "An error occurred during streaming", error)
    return event


class Reply:
    """A streamed reply: iterated, the decoded events; closed, its connection goes back to
    the pool when the body was read to its end (after `[DONE]`, the rest is read, as the
    SDK does), and is dropped when it was not (a reply cut off at its cap)."""

    def __init__(self, response: aiohttp.ClientResponse):
        self.response = response

    def __aiter__(self) -> AsyncIterator[Any]:
        return events(self.response.content)

    async def close(self) -> None:
        if self.response.content.at_eof():
            self.response.release()
        else:
            self.response.close()


async def read_body(response: aiohttp.ClientResponse, cap: int, cut: bool = False) -> bytes:
    """The body, up to `cap` bytes: Malformed past it, or (`cut`) the first `cap` bytes."""
    body = bytearray()
    async for part in response.content.iter_any():
        body += part
        if len(body) > cap:
            if cut:
                return bytes(body[:cap])
            raise Malformed(f"the reply was larger than {cap:,} bytes")
    return bytes(body)
