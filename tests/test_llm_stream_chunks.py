"""The interviewer's streamed turn is read from plain JSON chunks, not the SDK's objects: any
chunk a server sends is either read or named as the problem, never raised."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.models.llm import _read_stream, _Streamed

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["choices", "delta", "content", "usage",
                                       "finish_reason", "x"]) | st.text(max_size=8),
                      children, max_size=4), max_leaves=20)


def _read(chunks: list[Any], cap: int = 10_000) -> _Streamed:
    async def stream() -> AsyncIterator[Any]:
        for chunk in chunks:
            yield chunk

    into = _Streamed()
    asyncio.run(_read_stream(stream(), into, cap))
    return into


def _chunk(content: str | None, finish: str | None = None, usage: dict | None = None) -> dict:
    return {"choices": [{"delta": {"content": content}, "finish_reason": finish}],
            "usage": usage}


@SETTINGS
@given(st.lists(json_values, max_size=6))
def test_any_chunks_are_read_or_named_never_raised(chunks: list[Any]) -> None:
    into = _read(chunks)
    assert all(isinstance(part, str) and part for part in into.parts)
    assert into.problem is None or isinstance(into.problem, str)


@SETTINGS
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=8))
def test_a_whole_stream_is_the_text_it_carried_with_its_usage(parts: list[str]) -> None:
    usage = {"prompt_tokens": 10, "completion_tokens": len(parts)}
    chunks = [_chunk(p) for p in parts] + [_chunk(None, "stop"), {"choices": [], "usage": usage}]
    into = _read(chunks)
    assert "".join(into.parts) == "".join(parts)
    assert into.problem is None and into.finish == "stop" and into.usage == usage


def test_a_stream_without_its_end_mark_or_past_its_cap_is_named() -> None:
    assert "cut stream" in (_read([_chunk("Why")]).problem or "")
    assert "token limit" in (_read([_chunk("Why", "length")]).problem or "")
    assert "ran past 5" in (_read([_chunk("A long question?")], cap=5).problem or "")
    assert "not a readable stream" in (_read(["data"]).problem or "")
