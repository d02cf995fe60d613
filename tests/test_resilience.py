"""An answer that trips the grader never bricks an interview: it is stored, the candidate is
told, and every later request for the interview still works."""

from __future__ import annotations

from fastapi.testclient import TestClient

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
