"""INTERVIEWER_SERVER_TIMING: the app says how long it held a request and how much of that
was waiting on the model, so the load benchmark can tell the app's latency from its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interviewer.models import llm
from interviewer.settings import Settings
from interviewer.web.app import build_service, create_app
from tests.openai_server import FakeOpenAI, Reply, auto_reply

DELAY = 0.05  # seconds the fake model waits before each reply
TIMING = re.compile(r"^app;dur=([0-9.]+), model;dur=([0-9.]+)$")


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    llm.forget_servers()

    def slow(request: dict) -> Reply:
        reply = auto_reply(request)
        reply.delay = DELAY
        return reply

    fake = FakeOpenAI(slow).start()
    yield fake
    fake.stop()
    llm.forget_servers()


def _web(server: FakeOpenAI, tmp_path: Path, timing: bool) -> TestClient:
    settings = Settings(_env_file=None, OPENAI_API_KEY="test", OPENAI_BASE_URL=server.base_url,
                        INTERVIEWER_DB=str(tmp_path / "t.db"), INTERVIEWER_MAX_RETRIES=0,
                        INTERVIEWER_SERVER_TIMING=timing)
    return TestClient(create_app(settings, build_service(settings)))


def _timing(response) -> tuple[float, float]:
    match = TIMING.match(response.headers["server-timing"])
    assert match, response.headers["server-timing"]
    return float(match.group(1)), float(match.group(2))


def test_an_answer_says_its_time_and_its_wait_on_the_model(server: FakeOpenAI,
                                                           tmp_path: Path) -> None:
    with _web(server, tmp_path, timing=True) as web:
        created = web.post("/api/interviews", json={"model": "fake-gpt", "questions": 2})
        assert created.status_code == 201, created.text
        asked = len(server.requests)
        app_ms, model_ms = _timing(created)
        assert model_ms >= DELAY * 1000 * asked  # the question was phrased by the model
        assert app_ms >= model_ms

        answered = web.post(f"/api/interviews/{created.json()['id']}/answers",
                            json={"text": "I would key the limit on each API key."})
        assert answered.status_code == 200, answered.text
        calls = len(server.requests) - asked  # the grade and the next question
        assert calls == 2
        app_ms, model_ms = _timing(answered)
        assert model_ms >= DELAY * 1000 * calls
        assert app_ms >= model_ms

        page = web.get("/api/interviews")  # no model call: no wait counted
        assert page.status_code == 200, page.text
        assert _timing(page)[1] == 0.0


def test_off_by_default(server: FakeOpenAI, tmp_path: Path) -> None:
    with _web(server, tmp_path, timing=False) as web:
        created = web.post("/api/interviews", json={"model": "fake-gpt", "questions": 2})
        assert created.status_code == 201, created.text
        assert "server-timing" not in created.headers
