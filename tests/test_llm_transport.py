"""The SDK's aiohttp transport: one client per event loop, closed with its loop, and a
connection that fails is a lost connection, retried, never reported as a timeout."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from interviewer.library import Library
from interviewer.models import llm
from interviewer.models.base import ModelUnavailable
from tests.openai_server import FakeOpenAI, auto_reply
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
