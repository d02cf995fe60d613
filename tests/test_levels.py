"""The difficulty ladder: a target level chosen on the page, the API or the CLI, stored with
the interview, and followed by the outline, the LLM grader's prompt and the scorecard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.engine import PlanError, plan_interview
from interviewer.library import default_library, outline_at
from interviewer.llm.prompts import grader_messages
from interviewer.models.base import Exchange, GradeRequest
from interviewer.storage import Store

LIBRARY = default_library()
SENIOR_Q = LIBRARY.question("api-payments-create-idempotency")  # written for Senior
ANSWER = ("I would require an idempotency key on every write, bind it to a fingerprint of the "
          "request, and move capture to the merchant's server so retries cannot charge twice.")


def test_the_ladder_describes_every_level() -> None:
    assert set(LIBRARY.levels) == {"pm", "senior", "staff"}
    assert all(len(bar.bar) > 80 for bar in LIBRARY.levels.values())


def test_outline_follows_the_target_level() -> None:
    assert SENIOR_Q.level == "senior"
    hire, stretch = outline_at(SENIOR_Q, "staff")  # above the question: strong hire is the bar
    assert hire == SENIOR_Q.strong_answer + SENIOR_Q.strong_hire and stretch == []
    for level in ("pm", "senior", None):
        assert outline_at(SENIOR_Q, level) == (SENIOR_Q.strong_answer, SENIOR_Q.strong_hire)


def test_plan_refuses_an_unknown_level() -> None:
    with pytest.raises(PlanError, match="unknown level 'boss'; choose one of: pm, senior, staff"):
        plan_interview(LIBRARY, "single", question_id=SENIOR_Q.id, level="boss")


def test_llm_grader_prompt_carries_the_bar_the_stretch_and_the_weak_answers() -> None:
    request = GradeRequest.for_question(SENIOR_Q, LIBRARY.rubric_for(SENIOR_Q),
                                        [Exchange(prompt=SENIOR_Q.text, answer=ANSWER)],
                                        level="pm", level_bar=LIBRARY.levels["pm"].bar)
    system = grader_messages(request, request.exchanges, 0, "answer-x", None)[0]["content"]
    assert "interviewing at PM level" in system and LIBRARY.levels["pm"].bar in system
    assert SENIOR_Q.strong_hire[0] in system and SENIOR_Q.weak_answers[0] in system


def test_api_level_is_stored_and_the_scorecard_follows_it(client: TestClient) -> None:
    created = client.post("/api/interviews", json={"mode": "single", "question_id": SENIOR_Q.id,
                                                   "model": "offline", "level": "staff"})
    assert created.status_code == 201, created.text
    iid, turn = created.json()["id"], created.json()["current"]["turn"]
    assert client.get(f"/api/interviews/{iid}").json()["level"] == "staff"
    client.post(f"/api/interviews/{iid}/answers", json={"text": ANSWER, "turn": turn})
    client.post(f"/api/interviews/{iid}/finish")
    card = client.get(f"/api/interviews/{iid}/scorecard").json()
    assert card["level"] == "staff"
    q = card["questions"][0]
    assert q["strong_answer"] == SENIOR_Q.strong_answer + SENIOR_Q.strong_hire
    assert q["strong_hire"] == [] and q["weak_answers"] == SENIOR_Q.weak_answers
    bad = client.post("/api/interviews", json={"mode": "full", "level": "boss"})
    assert bad.status_code == 422 and "level" in bad.text


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_home_form_offers_the_levels_and_the_page_scorecard_names_the_bar(
        client: TestClient) -> None:
    home = client.get("/").text
    for value, label in (("pm", "PM"), ("senior", "Senior PM"), ("staff", "Staff PM")):
        assert f'<option value="{value}"' in home and label in home
    response = client.post("/interviews", data={
        "csrf_token": _token(home), "mode": "single", "question_id": SENIOR_Q.id,
        "model": "offline", "level": "pm"}, follow_redirects=False)
    assert response.status_code == 303
    url = response.headers["location"]
    page = client.get(url).text
    turn = re.search(r'name="turn" value="(\d+)"', page).group(1)
    client.post(f"{url}/answers", data={"csrf_token": _token(page), "text": ANSWER,
                                        "turn": turn})
    client.post(f"{url}/finish", data={"csrf_token": _token(client.get(url).text)})
    card = client.get(f"{url}/scorecard").text
    assert "What a strong answer covers at PM level" in card
    assert "What lifts it to Strong hire" in card and "Common weak answers" in card
    bad = client.post("/interviews", data={"csrf_token": _token(home), "mode": "full",
                                           "model": "offline", "level": "boss"})
    assert bad.status_code == 422 and "Unknown level" in bad.text


def test_practice_takes_a_level(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "practice.db"
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    result = CliRunner().invoke(app, ["practice", "--question", SENIOR_Q.id, "--level", "staff"],
                                input=f"{ANSWER}\n\n:finish\n")
    assert result.exit_code == 0, result.output
    assert "A strong answer at Staff PM level covers:" in result.output
    assert Store(db).list_recent()[0].state.plan.level == "staff"


def test_a_staged_case_brings_its_twist_in_after_the_first_answer_even_when_strong() -> None:
    from interviewer import engine
    from interviewer.engine import AskFollowUp, AskQuestion, State, Turn
    from interviewer.scoring import AnswerGrade, CriterionGrade

    q = LIBRARY.question("iam-password-hash-migration-staged")
    assert q.format == "staged" and q.twist
    state = State(engine.Plan("single", q.area, q.topic, (q.id,), "staff"),
                  [Turn("interviewer", "question", q.id, q.text),
                   Turn("candidate", "answer", q.id, ANSWER)])
    strong = [CriterionGrade(id=c.id, name=c.name, score=4, weight=c.weight, tip=c.tip)
              for c in LIBRARY.rubric_for(q).criteria]
    state.grades[q.id] = AnswerGrade(question_id=q.id, criteria=strong, grader="t")
    step = engine.next_step(state, LIBRARY)
    assert isinstance(step, AskFollowUp) and step.follow_up.text == q.twist
    state.turns += [engine.interviewer_turn(step, q.twist), Turn("candidate", "answer", q.id, "B")]
    after = engine.next_step(state, LIBRARY)  # every criterion is strong: no more follow-ups
    assert not (isinstance(after, AskFollowUp) and after.follow_up.text == q.twist)
    assert not isinstance(after, AskQuestion)
