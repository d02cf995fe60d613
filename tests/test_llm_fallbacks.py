"""Every fallback says why, wherever a grade is shown, and a model that is down never leaves
an interview stuck or a report lying: the API, the page, the CLI and calibration."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from typer.testing import CliRunner

from interviewer import terminal
from interviewer.cli import app as cli
from interviewer.models import llm
from interviewer.settings import Settings
from interviewer.web.app import build_service, create_app
from tests.openai_server import FakeOpenAI, Reply, _usage, auto_reply
from tests.test_calibrate_command import _write_set

ANSWER = "I would key the limit on each API key with a token bucket and return 429s."
runner = CliRunner()


@pytest.fixture(autouse=True)
def forget_servers() -> Iterator[None]:
    llm.forget_servers()
    yield
    llm.forget_servers()


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(auto_reply).start()
    yield fake
    fake.stop()


def _settings(server: FakeOpenAI, tmp_path: Path, **env: Any) -> Settings:
    return Settings(_env_file=None, OPENAI_API_KEY="test", OPENAI_BASE_URL=server.base_url,
                    INTERVIEWER_DB=str(tmp_path / "llm.db"), INTERVIEWER_MAX_RETRIES=0, **env)


def _env(monkeypatch: pytest.MonkeyPatch, server: FakeOpenAI, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")


# --- the API and the page ---

def test_a_503_from_creating_an_interview_names_the_interview(server: FakeOpenAI,
                                                              tmp_path: Path) -> None:
    settings = _settings(server, tmp_path)
    server.responder = None
    server.script(Reply.error(503, "overloaded"))
    with TestClient(create_app(settings, build_service(settings))) as web:
        response = web.post("/api/interviews", json={"model": "fake-gpt", "mode": "single"})
        assert response.status_code == 503
        body = response.json()
        iid = body["id"]
        assert response.headers["location"] == f"/api/interviews/{iid}"
        assert f"Interview {iid} was created and saved" in body["detail"]
        assert web.get(f"/api/interviews/{iid}").json()["status"] == "in_progress"
        # with an Idempotency-Key, the retry once the model is back reopens the same one
        server.script(Reply.error(503, "overloaded"))
        key = {"Idempotency-Key": "create-once"}
        first = web.post("/api/interviews", headers=key,
                         json={"model": "fake-gpt", "mode": "single"})
        assert first.status_code == 503
        server.responder = auto_reply
        again = web.post("/api/interviews", headers=key,
                         json={"model": "fake-gpt", "mode": "single"})
        assert again.status_code == 201 and again.json()["id"] == first.json()["id"]


def test_with_the_model_down_the_page_keeps_the_interview_open(server: FakeOpenAI,
                                                                tmp_path: Path) -> None:
    settings = _settings(server, tmp_path)
    with TestClient(create_app(settings, build_service(settings))) as web:
        created = web.post("/api/interviews", json={"model": "fake-gpt", "mode": "topic",
                                                    "topic": "rate-limiting", "questions": 2})
        iid = created.json()["id"]
        server.responder = None  # down from here on: every request is a 500
        step = web.post(f"/api/interviews/{iid}/answers", json={"text": ANSWER, "turn": 0})
        assert step.status_code == 503 and "Your answer is saved" in step.json()["detail"]
        page = web.get(f"/interviews/{iid}").text
        assert "Interview complete" not in page and "Your answer is saved" in page
        assert 'id="finish"' in page  # the candidate can still finish and see feedback
        card = web.get(f"/api/interviews/{iid}/scorecard").json()
    graded = card["questions"][0]
    assert graded["grader"] == "offline"  # the answer was graded, not left "unanswered"
    assert graded["notes"][0].startswith("Graded by the offline grader because the model was "
                                         "unavailable (")
    assert card["unanswered"] == 1 and card["grader"] == "offline"


def test_spend_stored_before_a_restart_still_counts_toward_the_cap(server: FakeOpenAI,
                                                                   tmp_path: Path) -> None:
    def costly(request: dict[str, Any]) -> Reply:
        reply = auto_reply(request)
        if request.get("stream"):
            reply.usage = _usage(prompt=4500, completion=12)
        return reply

    server.responder = costly
    settings = _settings(server, tmp_path, INTERVIEWER_TOKEN_CAP=6000)
    with TestClient(create_app(settings, build_service(settings))) as web:
        iid = web.post("/api/interviews", json={"model": "fake-gpt", "mode": "single"}
                       ).json()["id"]
    # a restart: a new process, a new model and ledger, the same database; the shared
    # spend table is emptied, as in a database written before it existed, so only the
    # usage stored on each turn can tell the ledger what was spent
    with sqlite3.connect(tmp_path / "llm.db") as db:
        db.execute("DELETE FROM token_spend")
    with TestClient(create_app(settings, build_service(settings))) as web:
        web.post(f"/api/interviews/{iid}/answers", json={"text": ANSWER, "turn": 0})
        card = web.get(f"/api/interviews/{iid}/scorecard").json()
    assert [r for r in server.requests if not r.get("stream")] == []  # never asked to grade
    assert "reached this interview's token cap (this interview has used 4,512 of its 6,000" \
        in card["questions"][0]["notes"][0]


# --- the CLI ---

def test_grade_prints_why_the_offline_grader_stood_in_and_what_it_cost(
        server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, server, tmp_path)
    server.responder = None
    html = Reply.raw_body("<html>proxy error</html>", "text/html")
    server.script(html, html)
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER)
    args = ["grade", "--model", "fake-gpt", "--area", "api-products", "--topic",
            "rate-limiting", "--question", "How would you rate-limit a public API?",
            "--answer-file", str(answer)]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert "graded by the offline grader" in text.output
    assert "Graded by the offline grader because the model twice replied in a form the " \
           "grader cannot use (the server replied with text/html" in " ".join(text.output.split())
    assert "Model tokens: " in text.output
    server.script(html, html)
    graded = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert graded["grader"] == "offline"
    assert graded["notes"][0].startswith("Graded by the offline grader because the model twice")
    assert graded["usage"]["prompt_tokens"] > 0


def test_practice_shows_each_fallback_its_reason_and_the_tokens_spent(
        server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, server, tmp_path)

    def echoing(request: dict[str, Any]) -> Reply:
        if request.get("stream"):
            return Reply.stream("Here is the question: what now?")
        return Reply.raw_body("{oops")

    server.responder = echoing
    result = runner.invoke(cli, ["practice", "--model", "fake-gpt", "--mode", "single"],
                           input=ANSWER + "\n\n")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "(In the library's words: the model's turn repeated its instructions " \
           "('here is the question').)" in said
    assert "Graded by the offline grader because the model twice replied in a form the " \
           "grader cannot use (the server's reply is not valid JSON" in said
    assert "Model tokens: " in said and "for the whole interview" in said


def test_the_terminal_shows_a_spinner_while_a_model_grades() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)

    class SlowService:
        async def advance(self, interview_id: str, on_delta: Any) -> Any:
            assert "Interviewer:" not in out.getvalue()
            await on_delta("Next question?")  # the first words stop the spinner
            spun, _, said = out.getvalue().partition("Interviewer:")
            assert "Grading your answer" in spun and "Grading" not in said
            return type("R", (), {"turns": []})()

    async def show(delta: str) -> None:
        console.print(delta, end="")

    asyncio.run(terminal._advance_printing(SlowService(), "iv", show, console,  # type: ignore[arg-type]
                                           "Grading your answer…"))
    assert "Interviewer:" in out.getvalue() and "Next question?" in out.getvalue()


# --- calibration ---

def test_calibrate_counts_fallbacks_and_never_passes_them_off_as_the_models(
        server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, server, tmp_path)
    server.responder = lambda request: Reply(content="{}", delay=60)  # never in time
    monkeypatch.setenv("INTERVIEWER_REQUEST_TIMEOUT", "0.3")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["calibrate", "--model", "fake-gpt", "--set",
                                 str(_write_set(tmp_path / "set.jsonl")), "--out", str(out),
                                 "--min-qwk", "-1", "--min-spearman", "-1",
                                 "--min-ranking", "0"])
    assert result.exit_code == 1  # figures that are not the model's cannot pass
    said = " ".join(result.output.split())
    assert "graded 1/3: " in said and "graded 3/3: " in said  # progress as it runs
    assert "offline fallback: the model did not answer within 0.3 seconds" in said
    assert "3 of 3 answers were graded by the offline fallback, not by fake-gpt: these " \
           "figures are not the model's own" in said
    report = json.loads((out / "calibration.json").read_text())
    assert report["fallbacks"] == 3
    assert all(item["fallback"].startswith("the model did not answer within")
               for item in report["items"])
    assert "**Warning: 3 of 3 answers were graded by the offline fallback" in \
        (out / "calibration.md").read_text()
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "cli.db"))
    with TestClient(create_app(settings)) as web:
        page = web.get("/calibration").text
    assert "3 of 3 answers were graded by the offline fallback, not by fake-gpt" in page


def test_calibrate_with_the_server_down_is_one_clear_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeOpenAI().start()
    url = fake.base_url
    fake.stop()  # nothing listens there now
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
    result = runner.invoke(cli, ["calibrate", "--model", "fake-gpt", "--set",
                                 str(_write_set(tmp_path / "set.jsonl")), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("error: the model is unavailable: ")
    assert "could not be reached" in lines[-1] and lines[-1].endswith("No report was written")
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "calibration.json").exists()


def test_a_scorecard_with_nothing_graded_names_no_grader(mini_service: Any) -> None:
    from interviewer.web.views import grader_label

    iid = mini_service.create(mini_service.plan("single"), "fake")
    card = mini_service.scorecard(iid)
    assert card.grader == "" and grader_label(card.grader) == "not graded yet"
