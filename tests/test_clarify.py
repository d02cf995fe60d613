"""Clarifying questions: facts matched offline, stored first, and never using up the answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from interviewer import clarify
from interviewer.cli import app
from interviewer.engine import exchanges_for
from interviewer.library import default_library
from interviewer.service import Interviews, NotAwaitingAnswer
from interviewer.storage import LOCAL_OWNER, Store

LIBRARY = default_library()
PAYMENTS = LIBRARY.question("api-payments-create-idempotency")


@pytest.mark.parametrize(("asked", "expected"), [
    ("What volumes do you see?", "3 million payments a month"),
    ("Who sends the capture today, the app or a server?", "mobile app sends the capture"),
    ("Do you support UPI?", "complete asynchronously"),
    ("How often do retries cause double charges?", "40 double-charge complaints"),
])
def test_a_question_about_the_scenario_gets_the_matching_fact(asked: str, expected: str) -> None:
    assert expected in clarify.reply(PAYMENTS, asked)
    assert len(clarify.matching_facts(PAYMENTS, asked)) == 1


def test_a_question_the_facts_do_not_cover_gets_a_nudge_not_an_invention() -> None:
    assert clarify.reply(PAYMENTS, "What colour is the company logo?") == clarify.NO_FACT
    assert clarify.reply(PAYMENTS, "What volumes?", clarify.MAX_PER_QUESTION) == \
        clarify.TOO_MANY


def test_the_longest_matching_phrase_wins() -> None:
    q = LIBRARY.question("api-flash-sale-retry-storm")
    # "rate limit" (two words) beats "limits" alone; "why fail" is a phrase of its own
    assert "10 times the default" in clarify.reply(q, "Is there a rate limit today?")
    assert "bank-side declines" in clarify.reply(q, "Why fail in the first place?")


def test_every_shipped_fact_is_reachable_by_its_own_words() -> None:
    for q in LIBRARY.questions.values():
        for fact in q.facts:
            asked = f"Could you tell me about {fact.ask[0]}?"
            assert fact in clarify.matching_facts(q, asked), (q.id, fact.ask[0])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_reply_made_only_of_authored_facts(asked: str) -> None:
    reply = clarify.reply(PAYMENTS, asked)
    facts = {f.fact for f in PAYMENTS.facts}
    assert reply == clarify.NO_FACT or all(part in facts for part in _split(reply, facts))


def _split(reply: str, facts: set[str]) -> list[str]:
    found = [f for f in facts if f in reply]
    assert " ".join(sorted(found, key=reply.index)) == reply
    return found


# ---------------------------------------------------------------- service


def test_asking_stores_the_question_first_and_keeps_the_turn_open(mini_service: Interviews
                                                                  ) -> None:
    import asyncio

    plan = mini_service.plan("single", question_id="q0-0")
    iid = mini_service.create(plan, "offline")
    asyncio.run(mini_service.advance(iid))
    before = mini_service.current(mini_service.load(iid, LOCAL_OWNER))
    reply = mini_service.clarify(iid, "What is the budget?")
    assert reply == "The budget for q0-0 is 10,000 dollars a month."
    record = mini_service.load(iid, LOCAL_OWNER)
    assert [(t.turn.role, t.turn.kind) for t in record.turns] == [
        ("interviewer", "question"), ("candidate", "clarify"), ("interviewer", "clarification")]
    after = mini_service.current(record)
    assert after is not None and after.turn == before.turn and after.kind == "question"
    # the answer still goes to the question, with the turn number the page sent
    assert mini_service.submit(iid, "My answer, with the budget in mind.", before.turn)
    assert mini_service.submit(iid, "My answer, with the budget in mind.", before.turn) is False
    record = mini_service.load(iid, LOCAL_OWNER)
    exchanges = exchanges_for(record.state.turns, "q0-0")
    assert [e.answer for e in exchanges] == ["My answer, with the budget in mind."]
    asyncio.run(mini_service.advance(iid))
    grade = mini_service.load(iid, LOCAL_OWNER).state.grades["q0-0"]
    assert grade.answers == 1


def test_a_finished_interview_cannot_be_asked(mini_service: Interviews) -> None:
    import asyncio

    iid = mini_service.create(mini_service.plan("single", question_id="q0-0"), "offline")
    asyncio.run(mini_service.advance(iid))
    asyncio.run(mini_service.finish(iid))
    with pytest.raises(NotAwaitingAnswer):
        mini_service.clarify(iid, "What is the budget?")


# ---------------------------------------------------------------- API and CLI


def _start(client: TestClient, question_id: str) -> dict:
    response = client.post("/api/interviews", json={"mode": "single",
                                                    "question_id": question_id,
                                                    "model": "offline"})
    assert response.status_code == 201, response.text
    return response.json()


def test_api_clarification_reveals_a_fact_and_leaves_the_question_open(client: TestClient
                                                                       ) -> None:
    started = _start(client, "api-payments-create-idempotency")
    iid, turn = started["id"], started["current"]["turn"]
    response = client.post(f"/api/interviews/{iid}/clarifications",
                           json={"text": "Roughly what volumes do merchants send?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "3 million payments a month" in body["reply"]
    assert body["current"]["turn"] == turn and body["current"]["kind"] == "question"
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert [t["kind"] for t in turns] == ["question", "clarify", "clarification"]
    answered = client.post(f"/api/interviews/{iid}/answers",
                           json={"text": "I would bind idempotency keys to the request.",
                                 "turn": turn})
    assert answered.status_code == 200, answered.text


@pytest.mark.parametrize(("body", "code", "message"), [
    ({"text": "   "}, 422, "the question is empty"),
    ({"text": "x" * 2_001}, 422, "text: String should have at most 2000 characters"),
    ({"text": "x" * 20_001}, 422, "text: String should have at most 2000 characters"),
    ({"text": "ok?", "extra": 1}, 422, "extra"),
])
def test_api_clarification_rejects_bad_input_with_a_reason(client: TestClient, body: dict,
                                                           code: int, message: str) -> None:
    iid = _start(client, "api-payments-create-idempotency")["id"]
    response = client.post(f"/api/interviews/{iid}/clarifications", json=body)
    assert response.status_code == code
    assert message in json.dumps(response.json())


def test_api_clarification_on_an_unknown_interview_is_404(client: TestClient) -> None:
    response = client.post("/api/interviews/nope/clarifications", json={"text": "Volumes?"})
    assert response.status_code == 404


def test_practice_answers_a_clarifying_question_and_keeps_the_question(tmp_path: Path,
                                                                       monkeypatch) -> None:
    db = tmp_path / "practice.db"
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    answer = "I would bind the key to a fingerprint of the request and replay the result."
    stdin = f"? What volumes do merchants send?\n\n{answer}\n\n:finish\n"
    result = runner_invoke(["practice", "--question", "api-payments-create-idempotency"], stdin)
    assert result.exit_code == 0, result.output
    assert "3 million payments a month" in result.output
    record = Store(db).list_recent()[0]
    kinds = [t.turn.kind for t in record.turns]
    assert kinds[:4] == ["question", "clarify", "clarification", "answer"]
    assert record.turns[3].turn.text == answer


def runner_invoke(args: list[str], stdin: str):
    return CliRunner().invoke(app, args, input=stdin)
