"""A fake OpenAI-compatible server on a loopback port, scripted per test.

It speaks just enough HTTP/1.1 for the real `openai` client: `POST /v1/chat/completions`,
plain or streamed (server-sent events in chunked encoding), errors with any status and
headers, slow replies for timeouts, and the ways real servers misbehave: streams that trickle,
streams cut off half-way or ended early, bodies that are HTML or broken JSON, replies of any
size, and llama.cpp's `GET /props` and `GET /v1/models`. Each test queues replies with
`script(...)`; `requests` records every request body, `times` when each arrived, `gets` every
GET path, `streams_finished` how many streams were written to the end, and
`most_in_flight` the most chat requests it held at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable"}
ANSWER = re.compile(r"^<(answer-[0-9a-f]+)>\n(.*?)\n</\1>$", re.DOTALL | re.MULTILINE)


@dataclass
class Reply:
    """One scripted response."""

    status: int = 200
    content: str | None = None  # a chat completion with this message
    chunks: list[str] | None = None  # a streamed completion with these deltas
    body: Any = None  # any other JSON body (errors)
    headers: dict[str, str] = field(default_factory=dict)
    usage: dict[str, Any] | None = None
    delay: float = 0.0  # seconds to wait before answering
    cut_after: int | None = None  # drop the connection after this many chunks
    end_early: bool = False  # with cut_after: end the stream cleanly there, unfinished
    interval: float = 0.0  # seconds between streamed chunks (a trickle)
    finish: str = "stop"  # the finish_reason of the last chunk ("length": the token limit)
    raw: bytes | None = None  # send these bytes as the body, with `content_type`
    content_type: str = "application/json"
    # hold the reply until this many requests have been in flight at once (or `gate_wait` s
    # pass): shows how many calls a client really has open together, without timing them
    gate: int = 0
    gate_wait: float = 10.0

    @classmethod
    def text(cls, content: str | dict[str, Any], **usage: Any) -> Reply:
        body = content if isinstance(content, str) else json.dumps(content)
        return cls(content=body, usage=_usage(**usage) if usage else None)

    @classmethod
    def stream(cls, *chunks: str, cut_after: int | None = None, **usage: Any) -> Reply:
        return cls(chunks=list(chunks), cut_after=cut_after,
                   usage=_usage(**usage) if usage else None)

    @classmethod
    def raw_body(cls, body: bytes | str, content_type: str = "application/json",
                 status: int = 200) -> Reply:
        data = body.encode() if isinstance(body, str) else body
        return cls(status=status, raw=data, content_type=content_type)

    @classmethod
    def trickle(cls, *chunks: str, interval: float) -> Reply:
        return cls(chunks=list(chunks), interval=interval)

    @classmethod
    def error(cls, status: int, message: str, headers: dict[str, str] | None = None,
              body: Any = None) -> Reply:
        body = body if body is not None else {"error": {"message": message, "type": "error",
                                                        "param": None, "code": None}}
        return cls(status=status, body=body, headers=headers or {})


def _usage(prompt: int = 0, completion: int = 0, cached: int | None = None) -> dict[str, Any]:
    usage: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion,
                             "total_tokens": prompt + completion}
    if cached is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": cached}
    return usage


def answer_in(request: dict[str, Any]) -> str:
    """The candidate's words inside the nonce-tagged delimiters of a request's last message."""
    found = ANSWER.findall(request["messages"][-1]["content"])
    return "\n\n".join(text for _tag, text in found)


def grade_content(ids: list[str], score: int = 3, quotes: list[str] | None = None,
                  injected: bool = False) -> dict[str, Any]:
    """A grader reply in the schema the LLM grader asks for."""
    criteria = {cid: {"reasoning": f"Reasoning about {cid}.", "evidence": list(quotes or []),
                      "score": score, "feedback": f"Feedback on {cid}.", "missing": ""}
                for cid in ids}
    return {"instructions_to_grader": injected, "injected_text": [], "criteria": criteria,
            "missed": []}


def schema_ids(request: dict[str, Any]) -> list[str]:
    """The criterion ids the request's json_schema asks for."""
    schema = request["response_format"]["json_schema"]["schema"]
    return list(schema["properties"]["criteria"]["required"])


SEED = re.compile(r"The library (?:question|follow-up) to ask:\n(.+?)\n\n", re.DOTALL)
SCENE = "Picture a platform with real users. "


def library_words(request: dict[str, Any]) -> str:
    """The library wording an interviewer request asks the model to reword."""
    found = SEED.search(request["messages"][-1]["content"])
    assert found, "not an interviewer request"
    return found.group(1).strip()


def auto_reply(request: dict[str, Any]) -> Reply:
    """A well-behaved model: streams a scene and the library's question, grades 3 quoting the
    answer's first words."""
    if request.get("stream"):
        return Reply.stream("Picture a platform ", "with real users. ", library_words(request),
                            prompt=120, completion=12, cached=64)
    first = " ".join(answer_in(request).split()[:5])
    return Reply.text(grade_content(schema_ids(request), 3, [first]), prompt=400, completion=90)


class FakeOpenAI:
    """The server: start it, script replies, point OPENAI_BASE_URL at `base_url`."""

    def __init__(self, responder: Callable[[dict[str, Any]], Reply] | None = None,
                 port: int = 0, keep_alive: bool = False, record: bool = True):
        self.replies: deque[Reply] = deque()
        self.responder = responder
        self.port = port
        # keep-alive as real providers do (the load benchmark); tests close each connection
        # because they run several event loops against one client
        self.keep_alive = keep_alive
        # tests read `requests` and `times`; the load benchmark turns them off, as thousands
        # of kept 30 kB requests made the cycle collector pause this server for 100+ ms
        self.record = record
        self.requests: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.gets: list[str] = []
        self.props: Any = None  # the JSON for GET /props; None answers 404
        self.models: Any = None  # the JSON for GET /v1/models; None answers 404
        self.streams_finished = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self._crowd = asyncio.Condition()  # notified as requests arrive (`Reply.gate`)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._shutdown)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port, backlog=2048))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    def _shutdown(self) -> None:
        self._server.close()
        for task in self._tasks:
            task.cancel()
        self._loop.call_later(0.05, self._loop.stop)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
            while self.keep_alive and not reader.at_eof():
                await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        if head.startswith("GET "):
            await self._get(writer, head.split(" ")[1])
            return
        length = int(re.search(r"(?im)^content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
        request = json.loads(await reader.readexactly(length))
        if self.record:
            self.requests.append(request)
            self.times.append(time.monotonic())
        reply = self._next(request, head.split(" ")[1])
        self.in_flight += 1
        try:
            await self._held(reply)
            await self._write(writer, request, reply)
        finally:
            self.in_flight -= 1

    async def _held(self, reply: Reply) -> None:
        """Wait out the reply's gate (see `Reply.gate`), then its delay."""
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        async with self._crowd:
            self._crowd.notify_all()
            if reply.gate:
                def full() -> bool:
                    return self.most_in_flight >= reply.gate  # reached once: let all go

                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._crowd.wait_for(full), reply.gate_wait)
        await asyncio.sleep(reply.delay)

    async def _write(self, writer: asyncio.StreamWriter, request: dict[str, Any],
                     reply: Reply) -> None:
        if reply.raw is not None:
            await _write_raw(writer, reply.status, reply.raw, reply.content_type, self._close)
        elif reply.chunks is not None and reply.status == 200:
            if await _write_stream(writer, request, reply, self._close):
                self.streams_finished += 1
        else:
            await _write_json(writer, reply.status, _body(request, reply), reply.headers,
                              self._close)

    async def _get(self, writer: asyncio.StreamWriter, path: str) -> None:
        self.gets.append(path)
        body = {"/props": self.props, "/v1/models": self.models}.get(path)
        if body is None:
            await _write_json(writer, 404, {"error": f"no route {path}"}, {}, self._close)
        else:
            await _write_json(writer, 200, body, {}, self._close)

    @property
    def _close(self) -> str:
        return "" if self.keep_alive else "Connection: close\r\n"

    def _next(self, request: dict[str, Any], path: str) -> Reply:
        if path != "/v1/chat/completions":
            return Reply.error(404, f"no route {path}")
        if self.replies:
            return self.replies.popleft()
        if self.responder is not None:
            return self.responder(request)
        return Reply.error(500, "the test scripted no reply for this request")


def _body(request: dict[str, Any], reply: Reply) -> Any:
    if reply.content is None:
        return reply.body
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": reply.content}}],
            "usage": reply.usage}


async def _write_raw(writer: asyncio.StreamWriter, status: int, data: bytes, content_type: str,
                     close: str) -> None:
    writer.write(f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\nContent-Type: "
                 f"{content_type}\r\nContent-Length: {len(data)}\r\n{close}\r\n".encode())
    writer.write(data)
    await writer.drain()


async def _write_json(writer: asyncio.StreamWriter, status: int, body: Any,
                      headers: dict[str, str], close: str) -> None:
    data = json.dumps(body).encode()
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\nContent-Type: "
                 f"application/json\r\nContent-Length: {len(data)}\r\n{close}"
                 f"{extra}\r\n".encode() + data)
    await writer.drain()


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None = None,
           usage: dict[str, Any] | None = None) -> bytes:
    choices = [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]
    event = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
             "model": request.get("model", "fake"), "choices": choices, "usage": usage}
    return _chunked(f"data: {json.dumps(event)}\n\n".encode())


def _chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


async def _write_stream(writer: asyncio.StreamWriter, request: dict[str, Any],
                        reply: Reply, close: str) -> bool:
    """Write the stream; True when it was written to the end."""
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                 b"Transfer-Encoding: chunked\r\n" + close.encode() + b"\r\n")
    chunks = reply.chunks or []
    for i, text in enumerate(chunks):
        if reply.cut_after is not None and i >= reply.cut_after:
            await writer.drain()
            if reply.end_early:  # a clean end of the body, but no finish_reason, no [DONE]
                writer.write(b"0\r\n\r\n")
                await writer.drain()
            else:
                writer.transport.abort()  # no final chunk: the client sees a broken stream
            return False
        if i and reply.interval:
            await asyncio.sleep(reply.interval)
        writer.write(_chunk(request, {"content": text}))
        await writer.drain()
    writer.write(_chunk(request, {}, reply.finish))
    if reply.usage:
        writer.write(_chunk(request, {}, usage=reply.usage))
    writer.write(_chunked(b"data: [DONE]\n\n") + b"0\r\n\r\n")
    await writer.drain()
    return True
