"""An answer that trips the grader never bricks an interview: it is stored, the candidate is
told, and every later request for the interview still works."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from interviewer.engine import NOT_GRADED
from interviewer.models.base import GradeRequest
from interviewer.scoring import AnswerGrade
from tests.fakes import FakeModel

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
