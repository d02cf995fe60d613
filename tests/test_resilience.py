"""An answer that trips the grader never bricks an interview: it is stored, the candidate is
told, and every later request for the interview still works."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from interviewer.engine import NOT_GRADED
from interviewer.models.base import GradeRequest
from interviewer.scoring import AnswerGrade
from tests.fakes import FakeModel
from tests.test_pages import _token

TYPO = "I agree. . Then we ship it."


def _answers(client: TestClient, iid: str) -> list[str]:
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    return [t["text"] for t in turns if t["role"] == "candidate"]


def test_a_stray_full_stop_is_graded_and_the_interview_goes_on(client: TestClient) -> None:
    created = client.post("/api/interviews", json={"model": "offline", "questions": 2})
    iid = created.json()["id"]
    step = client.post(f"/api/interviews/{iid}/answers", json={"text": TYPO})
    assert step.status_code == 200, step.text
    assert client.get(f"/interviews/{iid}").status_code == 200  # the resume page
    assert _answers(client, iid) == [TYPO]
    while (state := client.get(f"/api/interviews/{iid}").json())["current"] is not None:
        reply = client.post(f"/api/interviews/{iid}/answers",
                            json={"text": TYPO, "turn": state["current"]["turn"]})
        assert reply.status_code == 200, reply.text
    assert state["status"] == "completed"
    card = client.get(f"/api/interviews/{iid}/scorecard")
    assert card.status_code == 200
    assert card.json()["grader"] == "offline"
    assert client.get(f"/interviews/{iid}/scorecard").status_code == 200


def test_finishing_after_a_stray_full_stop_grades_it(client: TestClient) -> None:
    iid = client.post("/api/interviews", json={"model": "offline", "questions": 3}).json()["id"]
    client.post(f"/api/interviews/{iid}/answers", json={"text": TYPO})
    done = client.post(f"/api/interviews/{iid}/finish")
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert len(client.get(f"/api/interviews/{iid}/scorecard").json()["questions"]) == 1


def test_a_grader_that_raises_gives_a_no_credit_grade_and_the_interview_goes_on(
        client: TestClient, fake_model: FakeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(request: GradeRequest) -> AnswerGrade:
        raise IndexError("list index out of range")

    monkeypatch.setattr(fake_model, "grade", broken)
    created = client.post("/api/interviews", json={"model": "fake", "questions": 2}).json()
    iid, first = created["id"], created["current"]["question_id"]
    step = client.post(f"/api/interviews/{iid}/answers", json={"text": "My saved answer."})
    assert step.status_code == 200, step.text
    # no follow-up is chosen from a grade that says nothing: the next question comes
    assert step.json()["current"]["kind"] == "question"
    assert step.json()["current"]["question_id"] != first
    assert _answers(client, iid) == ["My saved answer."]
    assert client.get(f"/interviews/{iid}").status_code == 200

    monkeypatch.undo()  # the grader works again for the next answer
    client.post(f"/api/interviews/{iid}/answers", json={"text": "A second answer."})
    card = client.get(f"/api/interviews/{iid}/scorecard").json()
    failed, graded = card["questions"]
    assert failed["flags"] == [NOT_GRADED]
    assert {c["score"] for c in failed["criteria"]} == {1}
    assert "could not be graded (the grader failed with IndexError)" in failed["notes"][0]
    assert NOT_GRADED not in graded["flags"] and graded["criteria"][0]["score"] == 3
    page = client.get(f"/interviews/{iid}/scorecard").text
    assert "could not be graded" in page


def test_finish_still_ends_an_interview_whose_grader_raises(
        client: TestClient, fake_model: FakeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(request: GradeRequest) -> AnswerGrade:
        raise RuntimeError("grader bug")

    iid = client.post("/api/interviews", json={"model": "fake", "questions": 3}).json()["id"]
    monkeypatch.setattr(fake_model, "grade", broken)
    client.post(f"/api/interviews/{iid}/answers", json={"text": "Stored first."})
    done = client.post(f"/api/interviews/{iid}/finish")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert _answers(client, iid) == ["Stored first."]
    assert client.get(f"/api/interviews/{iid}/scorecard").json()["questions"][0]["flags"] == [
        NOT_GRADED]


def test_a_turn_beyond_any_interview_is_refused_not_a_500(client: TestClient) -> None:
    iid = client.post("/api/interviews", json={"model": "offline"}).json()["id"]
    for turn in (2**63, 10_001, -1, False, "1"):
        response = client.post(f"/api/interviews/{iid}/answers", json={"text": "x", "turn": turn})
        assert response.status_code == 422, (turn, response.text)
    stale = client.post(f"/api/interviews/{iid}/answers", json={"text": "x", "turn": 9_999})
    assert stale.status_code == 409  # within the schema's bound, but no such turn
    for turn in ("9" * 30, "\u00b2"):  # the form posts strings; int("²") raises
        token = _token(client.get(f"/interviews/{iid}").text)
        page = client.post(f"/interviews/{iid}/answers", follow_redirects=False,
                           data={"text": f"answer {turn}", "turn": turn, "csrf_token": token})
        assert page.status_code in (303, 409, 422), (turn, page.status_code)


def test_the_schema_says_what_the_app_accepts(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    text = schemas["AnswerBody"]["properties"]["text"]
    assert text["minLength"] == 1
    assert re.search(text["pattern"], "an answer\n") and not re.search(text["pattern"], " \n ")
    assert not re.search(text["pattern"], "a bell\x07")
    create = schemas["CreateInterview"]["properties"]
    assert create["question_id"]["anyOf"][0]["minLength"] == 1
    assert create["model"]["anyOf"][0]["minLength"] == 1
    empty = client.post("/api/interviews", json={"question_id": ""})
    assert empty.status_code == 422
    assert client.post("/api/interviews", json={"questions": True}).status_code == 422
