"""A real server process killed with SIGKILL in the middle of grading loses nothing."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import free_port, start_app_process
from tests.openai_server import FakeOpenAI, Reply, auto_reply
from tests.plans import NO_STAGED_TOPIC

pytestmark = pytest.mark.both_backends

# Two questions from a topic with no staged case: a drawn staged case would add its twist
# as a follow-up, so the second answer would not close the interview (tests/plans.py).
PLAN = {"mode": "topic", "topic": NO_STAGED_TOPIC, "questions": 2}
ANSWERS = ["First I would ask which developers call the API and what breaks for them today.",
           "I would return 429 with a Retry-After header so well-behaved clients back off."]


class Gate:
    """Grading requests hang while closed, so the server can be killed mid-grade."""

    def __init__(self) -> None:
        self.hold = False
        self.grading_started = threading.Event()

    def reply(self, request: dict[str, Any]) -> Reply:
        reply = auto_reply(request)
        if self.hold and not request.get("stream"):
            self.grading_started.set()
            reply.delay = 60.0
        return reply


@pytest.fixture
def gate() -> Iterator[tuple[Gate, FakeOpenAI]]:
    g = Gate()
    fake = FakeOpenAI(g.reply).start()
    yield g, fake
    fake.stop()


def _start_server(db: Path | str, base_url: str, port: int) -> subprocess.Popen:
    return start_app_process({"INTERVIEWER_DB": str(db), "OPENAI_BASE_URL": base_url,
                              "OPENAI_API_KEY": "test-key", "INTERVIEWER_MODEL": "fake-gpt",
                              "INTERVIEWER_REQUEST_TIMEOUT": "120",
                              "INTERVIEWER_MAX_RETRIES": "0"}, port)


def test_sigkill_during_grading_loses_no_answer_and_the_interview_resumes(
        gate: tuple[Gate, FakeOpenAI], backend: str) -> None:
    g, fake = gate
    db, port = backend, free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start_server(db, fake.base_url, port)
    try:
        created = httpx.post(f"{base}/api/interviews", json=PLAN, timeout=30).json()
        iid = created["id"]
        first = httpx.post(f"{base}/api/interviews/{iid}/answers",
                           json={"text": ANSWERS[0], "turn": created["current"]["turn"]},
                           timeout=30).json()
        g.hold = True
        turn = first["current"]["turn"]
        pending = threading.Thread(target=lambda: _post_quietly(
            f"{base}/api/interviews/{iid}/answers", {"text": ANSWERS[1], "turn": turn}))
        pending.start()
        assert g.grading_started.wait(30), "the server never started grading"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        pending.join(10)
    finally:
        proc.kill()

    g.hold = False
    proc = _start_server(db, fake.base_url, port)
    try:
        stored = httpx.get(f"{base}/api/interviews/{iid}", timeout=30).json()
        answers = [t["text"] for t in stored["turns"] if t["role"] == "candidate"]
        assert answers == ANSWERS  # both answers survived the kill
        assert stored["current"] is None  # graded nothing yet: the next turn is still due
        # a retried submit of the same answer is recognised, not stored twice
        retry = httpx.post(f"{base}/api/interviews/{iid}/answers",
                           json={"text": ANSWERS[1], "turn": turn}, timeout=30)
        assert retry.status_code == 200, retry.text
        # opening the page resumes: the stored answer is graded and the interview moves on
        assert httpx.get(f"{base}/interviews/{iid}", timeout=30).status_code in (200, 303)
        after = httpx.get(f"{base}/api/interviews/{iid}", timeout=30).json()
        answers = [t["text"] for t in after["turns"] if t["role"] == "candidate"]
        assert answers == ANSWERS
        # the fake grades every criterion 3, so no follow-up: answer 2 closed question 2
        assert after["status"] == "completed"
        card = httpx.get(f"{base}/api/interviews/{iid}/scorecard", timeout=30).json()
        assert [q["question_id"] for q in card["questions"]] == stored["question_ids"]
    finally:
        proc.kill()
        proc.wait(10)


def _post_quietly(url: str, body: dict[str, Any]) -> None:
    with contextlib.suppress(httpx.TransportError):  # the server is killed under it
        httpx.post(url, json=body, timeout=60)
