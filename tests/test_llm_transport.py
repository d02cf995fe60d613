"""The SDK's aiohttp transport: one client per event loop, closed with its loop, and a
connection that fails is a lost connection, retried, never reported as a timeout."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from interviewer.library import Library
from interviewer.models import llm
from interviewer.models.base import ModelUnavailable
from interviewer.settings import Settings
from tests.openai_server import FakeOpenAI, Reply, auto_reply
from tests.test_llm_model import Sleeps, make_model, phrase, turn_request


def test_each_event_loop_gets_its_own_client_closed_with_the_loop(
        tmp_path: Path, mini_library: Library, caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeOpenAI(auto_reply).start()
    try:
        model = make_model(fake, tmp_path)
        for _ in range(3):  # as the CLI and the tests do: one asyncio.run after another
            assert "".join(phrase(model, turn_request(mini_library))).strip()
        assert len(model._clients) == 1  # the closed loops' clients are let go
        del model
        gc.collect()
    finally:
        fake.stop()
    assert len(fake.requests) == 3
    assert not [r for r in caplog.records if "Unclosed" in r.getMessage()]


def test_a_server_that_refuses_connections_is_unreachable_not_slow(
        tmp_path: Path, mini_library: Library) -> None:
    fake = FakeOpenAI().start()
    fake.stop()  # nothing listens on its port now
    sleeps = Sleeps()
    model = make_model(fake, tmp_path, sleeps, INTERVIEWER_MAX_RETRIES="2")

    async def ask() -> None:
        await model._turn(turn_request(mini_library))

    with pytest.raises(ModelUnavailable, match="could not be reached") as caught:
        asyncio.run(ask())
    assert "gave up after 3 attempt(s)" in str(caught.value)
    assert "did not answer within" not in str(caught.value)
    assert len(sleeps.waits) == 2  # retried with backoff, as a lost connection is


def test_concurrent_first_requests_ask_the_server_its_context_size_once(
        tmp_path: Path, mini_library: Library) -> None:
    llm.forget_servers()  # a port an earlier test used must not come with its answer
    fake = FakeOpenAI(auto_reply).start()
    try:
        model = make_model(fake, tmp_path)
        one = FakeOpenAI(auto_reply).start()  # what a single request asks, for comparison
        try:
            phrase(make_model(one, tmp_path), turn_request(mini_library))
            alone = list(one.gets)
        finally:
            one.stop()

        async def many() -> None:
            await asyncio.gather(*(model._turn(turn_request(mini_library, f"iv{n}"))
                                   for n in range(12)))

        asyncio.run(many())
    finally:
        fake.stop()
    assert alone and len(fake.requests) == 12
    assert fake.gets == alone  # one discovery, not one per request


def _gated(crowd: int, wait: float) -> Callable[[dict[str, Any]], Reply]:
    """The fake's usual replies, each held until `crowd` requests are open at once."""
    def reply(request: dict[str, Any]) -> Reply:
        return replace(auto_reply(request), gate=crowd, gate_wait=wait)
    return reply


def _ask_together(model: llm.LLMModel, library: Library, count: int) -> list[str]:
    async def many() -> list[str]:
        turns = [model._turn(turn_request(library, f"iv{n}")) for n in range(count)]
        return [text for text, _usage in await asyncio.gather(*turns)]
    return asyncio.run(many())


def test_more_than_a_hundred_model_calls_are_open_at_once_by_default(
        tmp_path: Path, mini_library: Library) -> None:
    # aiohttp's own default of 100 connections capped one worker's turns/s: a burst of
    # answers waited for a connection instead of for the model
    fake = FakeOpenAI(_gated(150, wait=10.0)).start()
    try:
        turns = _ask_together(make_model(fake, tmp_path), mini_library, 150)
    finally:
        fake.stop()
    assert Settings(_env_file=None).model_connections == 500
    assert fake.most_in_flight == 150
    assert fake.streams_finished == 150
    assert all(turn.startswith("Picture a platform") for turn in turns)  # the model's words


def test_the_connection_limit_setting_caps_calls_in_flight_and_the_rest_wait_their_turn(
        tmp_path: Path, mini_library: Library) -> None:
    fake = FakeOpenAI(_gated(12, wait=0.3)).start()  # never 12 at once: each waits 0.3 s
    try:
        model = make_model(fake, tmp_path, INTERVIEWER_MODEL_CONNECTIONS="5")
        turns = _ask_together(model, mini_library, 12)
    finally:
        fake.stop()
    assert fake.most_in_flight == 5
    assert fake.streams_finished == 12
    assert all(turn.startswith("Picture a platform") for turn in turns)
