"""Streamed replies read straight off the connection (`interviewer.llm.sse`, `LLMModel`):
every event as sent, however the bytes arrive; `[DONE]` ends it; an error event is the
server failing; and a reply read to its end gives its connection back to the pool."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.library import Library
from interviewer.llm.sse import StreamFailed, events
from tests.openai_server import FakeOpenAI, auto_reply
from tests.test_llm_model import make_model, turn_request

_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=5).filter(lambda k: k != "error"),
                                       inner, max_size=3), max_leaves=8)


def _sse(payloads: list[Any], done: bool = True) -> bytes:
    body = "".join(f"data: {json.dumps(p)}\n\n" for p in payloads)
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


async def _lines(data: bytes) -> AsyncIterator[bytes]:
    for line in data.splitlines(keepends=True):  # as aiohttp's reader hands them over
        yield line


def _read(data: bytes) -> list[Any]:
    async def run() -> list[Any]:
        return [event async for event in events(_lines(data))]

    return asyncio.run(run())


@given(st.lists(st.dictionaries(st.text(max_size=5).filter(lambda k: k != "error"), _json,
                                max_size=4), max_size=6), st.booleans())
def test_every_event_comes_out_as_sent(payloads: list[dict], done: bool) -> None:
    assert _read(_sse(payloads, done)) == payloads


def test_done_ends_the_stream_and_the_rest_is_read_but_not_returned() -> None:
    assert _read(_sse([{"a": 1}]) + b"data: {\"b\": 2}\n\n") == [{"a": 1}]


def test_comments_other_fields_and_multiline_data() -> None:
    data = b": keep-alive\nevent: chunk\nid: 7\ndata: {\"a\":\ndata: 1}\n\ndata:{\"b\":2}\n\n"
    assert _read(data) == [{"a": 1}, {"b": 2}]


def test_an_error_event_is_the_server_failing() -> None:
    with pytest.raises(StreamFailed, match="overloaded"):
        _read(_sse([{"a": 1}, {"error": {"message": "overloaded"}}]))


def test_a_line_that_is_not_json_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        _read(b"data: {not json\n\n")


class Counting(FakeOpenAI):
    """The fake server, counting the connections it accepts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections = 0

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await super()._accept(reader, writer)


def test_a_stream_read_to_its_end_gives_its_connection_back(
        tmp_path: Path, mini_library: Library) -> None:
    fake = Counting(auto_reply, keep_alive=True).start()
    try:
        model = make_model(fake, tmp_path)

        async def three() -> tuple[int, int]:
            async def ask(n: int) -> None:
                text = "".join([c async for c in model.phrase(turn_request(mini_library, f"i{n}"))])
                assert text.strip()

            await ask(0)  # opens the connection (and the context-size discovery's own)
            first = fake.connections
            await ask(1)
            await ask(2)
            return first, fake.connections

        first, after = asyncio.run(three())
    finally:
        fake.stop()
    assert fake.streams_finished == 3
    assert after == first  # the second and third went on the first one's connection
