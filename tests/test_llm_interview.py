"""Whole interviews through the LLM model: the API, the streaming page, the CLI and storage."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from interviewer.cli import app as cli
from interviewer.engine import Plan, Turn
from interviewer.library import default_library
from interviewer.models import llm
from interviewer.scoring import Usage
from interviewer.settings import Settings
from interviewer.storage import LOCAL_OWNER, Store
from interviewer.web.app import build_service, create_app
from tests.openai_server import (
    SCENE,
    FakeOpenAI,
    Reply,
    answer_in,
    auto_reply,
    grade_content,
    library_words,
    schema_ids,
)

QUESTION = SCENE.strip()  # how every turn from `auto_reply` opens
ANSWERS = ["I would key the limit on each API key with a token bucket.",
           "Return 429 with a Retry-After header so clients back off.",
           "Track the share of throttled calls that succeed on retry."]


@pytest.fixture(autouse=True)
def forget_accepted_modes() -> Iterator[None]:
    llm.forget_servers()
    yield
    llm.forget_servers()


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(auto_reply).start()
    yield fake
    fake.stop()


@pytest.fixture
def llm_settings(server: FakeOpenAI, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, OPENAI_API_KEY="test", OPENAI_BASE_URL=server.base_url,
                    INTERVIEWER_DB=str(tmp_path / "llm.db"), INTERVIEWER_MAX_RETRIES=0)


@pytest.fixture
def web(llm_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(llm_settings, build_service(llm_settings))) as client:
        yield client


def weak_first() -> Callable[[dict[str, Any]], Reply]:
    """A model that scores 2 on its first grade, so the interviewer follows up, then 3."""
    graded: list[bool] = []

    def reply(request: dict[str, Any]) -> Reply:
        if request.get("stream") or graded:
            return auto_reply(request)
        graded.append(True)
        quote = " ".join(answer_in(request).split()[:5])
        return Reply.text(grade_content(schema_ids(request), 2, [quote]), prompt=400,
                          completion=90)

    return reply


def test_a_whole_interview_and_scorecard_through_the_llm(web: TestClient, server: FakeOpenAI,
                                                         plain_draws) -> None:
    server.responder = weak_first()
    created = web.post("/api/interviews", json={"model": "fake-gpt", "mode": "topic",
                                                "topic": "rate-limiting", "questions": 2})
    assert created.status_code == 201, created.text
    iid, current = created.json()["id"], created.json()["current"]
    assert current["text"] == SCENE + library_words(server.requests[0])
    kinds = [current["kind"]]
    for text in ANSWERS:
        step = web.post(f"/api/interviews/{iid}/answers", json={"text": text}).json()
        kinds.append(step["current"]["kind"] if step["current"] else "done")
    assert kinds == ["question", "follow_up", "question", "done"]

    turns = web.get(f"/api/interviews/{iid}").json()
    assert turns["turns"][-1]["kind"] == "close"  # "any questions for me?"
    asked = [t for t in turns["turns"] if t["role"] == "interviewer" and t["kind"] != "close"]
    assert [t["text"] for t in asked] == [SCENE + library_words(r) for r in server.requests
                                          if r.get("stream")]
    assert all(t["usage"]["cached_tokens"] == 64 for t in asked)
    graded = [t for t in turns["turns"] if t["role"] == "candidate"]
    assert all(t["usage"]["prompt_tokens"] == 400 for t in graded)
    total = sum((Usage(**(t["usage"] or {})) for t in turns["turns"]), Usage())
    assert turns["usage"]["total_tokens"] == total.total_tokens == 3 * 132 + 3 * 490

    card = web.get(f"/api/interviews/{iid}/scorecard").json()
    assert card["grader"] == "openai:fake-gpt"
    assert card["usage"]["total_tokens"] == total.total_tokens
    first = card["questions"][0]
    assert first["criteria"][0]["evidence"] == ["I would key the limit"]  # the regrade's quote
    assert first["criteria"][0]["score"] == 3
    assert card["questions"][0]["usage"]["prompt_tokens"] == 400


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _events(client: TestClient, url: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) for each server-sent event, "message" when unnamed."""
    with client.stream("GET", url) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def _stream_url(html: str) -> str | None:
    match = re.search(r'data-stream-url="([^"]+)"', html)
    return match.group(1) if match else None


def test_the_page_streams_each_turn_when_its_script_asks(web: TestClient, server: FakeOpenAI,
                                                         plain_draws) -> None:
    token = _token(web.get("/").text)
    started = web.post("/interviews", follow_redirects=False, data={
        "csrf_token": token, "model": "fake-gpt", "mode": "topic", "topic": "rate-limiting",
        "questions": "2", "stream": "1"})
    url = started.headers["location"]
    assert url.endswith("?stream=1")
    page = web.get(url).text
    stream = _stream_url(page)
    assert stream is not None and server.requests == []  # the page waits for no model
    box = re.search(r'id="current-question-text"[^>]*>(.*?)</', page, re.DOTALL)
    assert box is not None and box.group(1).strip() == ""  # empty until streamed in
    assert 'name="turn" value="0"' in page

    events = _events(web, stream)
    assert events[0] == ("message", {"delta": SCENE}) and events[-1] == ("done", {})
    assert "".join(e[1]["delta"] for e in events[:-1]) == SCENE + library_words(
        server.requests[0])
    page_url = url.split("?")[0]
    assert QUESTION in web.get(page_url).text

    answered = web.post(f"{page_url}/answers", follow_redirects=False, data={
        "csrf_token": _token(page), "text": ANSWERS[0], "turn": "0", "stream": "1"})
    page = web.get(answered.headers["location"]).text
    # the page says it is grading at once, and its stream grades: no waiting on "Submitting"
    assert "Grading your answer…" in page and "Interview complete" not in page
    assert len(server.requests) == 1
    assert _events(web, _stream_url(page) or "") == [
        ("grading", {"message": "Grading your answer… A slow model can take a minute or more."}),
        ("graded", {})]
    page = web.get(answered.headers["location"]).text  # what the script loads on "graded"
    assert [r.get("stream", False) for r in server.requests] == [True, False]  # graded first
    assert "Question 2 of 2" in page and 'name="turn" value="2"' in page
    assert [e for e, _ in _events(web, _stream_url(page) or "")][-1] == "done"
    assert _events(web, _stream_url(page) or "") == [("done", {})]  # nothing left to stream


def test_without_javascript_the_page_asks_before_it_renders(web: TestClient) -> None:
    token = _token(web.get("/").text)
    url = web.post("/interviews", follow_redirects=False, data={
        "csrf_token": token, "model": "fake-gpt", "mode": "single",
        "question_id": "api-sms-tiered-rate-limits"}).headers["location"]
    page = web.get(url).text
    assert _stream_url(page) is None and QUESTION in page
    answered = web.post(f"{url}/answers", follow_redirects=False,
                        data={"csrf_token": _token(page), "text": ANSWERS[0], "turn": "0"})
    assert answered.headers["location"] == url
    assert "Interview complete" in web.get(url).text


def test_an_unavailable_model_shows_a_notice_and_the_interview_resumes(
        web: TestClient, server: FakeOpenAI) -> None:
    token = _token(web.get("/").text)
    url = web.post("/interviews", follow_redirects=False, data={
        "csrf_token": token, "model": "fake-gpt", "mode": "single",
        "question_id": "api-sms-tiered-rate-limits", "stream": "1"}).headers["location"]
    server.responder = None
    server.script(Reply.error(503, "overloaded"))
    events = _events(web, _stream_url(web.get(url).text) or "")
    assert [e for e, _ in events] == ["notice", "done"]
    assert events[0][1]["message"].startswith("The model is unavailable right now (")
    assert "Your answer is saved; reload this page" in events[0][1]["message"]
    server.script(Reply.error(503, "overloaded"))
    page = web.get(url.split("?")[0]).text
    assert "The model is unavailable right now" in page
    server.responder = auto_reply
    assert QUESTION in web.get(url.split("?")[0]).text  # resumed where it stopped


def _rejects_json_schema(request: dict[str, Any]) -> Reply:
    """A llama-cpp-python-like server: json_object only, grades 3 quoting the answer."""
    if request.get("response_format", {}).get("type") == "json_schema":
        return Reply.error(422, "", body={"detail": [{"msg": "Input should be 'text' or "
                                                             "'json_object'"}]})
    ids = default_library().rubrics["rate-limiting"].criterion_ids
    return Reply.text(grade_content(ids, 3, ["I would key the limit on each API key"]))


def test_cli_grade_works_against_a_server_that_rejects_json_schema(
        server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server.responder = _rejects_json_schema
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWERS[0])
    result = CliRunner().invoke(cli, [
        "grade", "--model", "fake-gpt", "--area", "api-products", "--topic", "rate-limiting",
        "--question", "How would you rate-limit a public API?", "--answer-file", str(answer),
        "--format", "json"])
    assert result.exit_code == 0, result.output
    graded = json.loads(result.output)
    assert graded["grader"] == "openai:fake-gpt"
    assert graded["criteria"][0]["evidence"] == ["I would key the limit on each API key"]
    assert [r.get("response_format", {}).get("type") for r in server.requests] == [
        "json_schema", "json_object"]


def test_practice_streams_questions_to_the_terminal(
        server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "practice.db"))
    result = CliRunner().invoke(cli, ["practice", "--model", "fake-gpt", "--mode", "single"],
                                input=ANSWERS[0] + "\n\n")
    assert result.exit_code == 0, result.output
    assert f"Interviewer: {QUESTION}" in result.output
    assert "LLM grader (openai:fake-gpt)" in result.output
    assert "not whether the design would work" not in " ".join(result.output.split())


def test_databases_from_before_usage_gain_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE interviews (id TEXT PRIMARY KEY, created_at TEXT NOT NULL,
                mode TEXT NOT NULL, area TEXT, topic TEXT, model TEXT NOT NULL,
                question_ids TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE turns (interview_id TEXT NOT NULL, seq INTEGER NOT NULL,
                role TEXT NOT NULL, kind TEXT NOT NULL, question_id TEXT NOT NULL,
                text TEXT NOT NULL, criterion TEXT, created_at TEXT NOT NULL,
                PRIMARY KEY (interview_id, seq));
            INSERT INTO interviews VALUES ('old', '2025-01-01', 'single', NULL, NULL,
                'offline', '["q"]', 0);
            INSERT INTO turns VALUES ('old', 0, 'interviewer', 'question', 'q', 'Why?', NULL,
                '2025-01-01');
        """)
    store = Store(path)
    Store(path)  # a second start finds the column already there
    assert store.load("old").turns[0].usage is None
    assert store.load("old").owner == LOCAL_OWNER  # made before owners: the local owner's
    iid = store.create(Plan("single", None, None, ("q",)), "fake-gpt", "someone")
    store.add_turn(iid, 0, Turn("interviewer", "question", "q", "Why?"),
                   Usage(prompt_tokens=10, completion_tokens=2, cached_tokens=5))
    store.add_turn(iid, 1, Turn("candidate", "answer", "q", "Because."))
    store.set_usage(iid, 1, Usage(prompt_tokens=100, completion_tokens=20))
    record = store.load(iid)
    assert record.turns[0].usage == Usage(prompt_tokens=10, completion_tokens=2, cached_tokens=5)
    assert record.usage.total_tokens == 132
