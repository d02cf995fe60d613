"""The JSON API contract, bad input included, with the scriptable fake model."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.web.api import TEXT_SCHEMA
from tests.fakes import FakeModel

pytestmark = pytest.mark.both_backends


def _start(client: TestClient, **body) -> dict:
    response = client.post("/api/interviews", json={"model": "fake", **body})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_returns_the_first_question(client: TestClient) -> None:
    data = _start(client, mode="area", area="identity-auth", questions=2)
    assert data["status"] == "in_progress"
    assert data["current"]["kind"] == "question"
    assert data["current"]["question_id"].startswith("iam-")
    assert len(data["id"]) >= 22  # at least 128 random bits, url-safe


def test_a_whole_interview_with_follow_ups(client: TestClient, fake_model: FakeModel,
                                           plain_draws) -> None:
    data = _start(client, mode="topic", topic="rate-limiting", questions=2)
    iid, first = data["id"], data["current"]["question_id"]
    fake_model.enqueue({"limit-design": 1}, {}, {})  # weak first answer, then fine
    step = client.post(f"/api/interviews/{iid}/answers", json={"text": "Use a limit."}).json()
    assert step["current"] == {**step["current"], "kind": "follow_up", "question_id": first}
    step = client.post(f"/api/interviews/{iid}/answers",
                       json={"text": "A token bucket per key."}).json()
    assert step["current"]["kind"] == "question"
    assert step["current"]["question_id"] != first
    step = client.post(f"/api/interviews/{iid}/answers", json={"text": "Another answer."}).json()
    assert step == {"id": iid, "status": "completed", "current": None}

    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert [(t["role"], t["kind"]) for t in turns] == [
        ("interviewer", "question"), ("candidate", "answer"),
        ("interviewer", "follow_up"), ("candidate", "answer"),
        ("interviewer", "question"), ("candidate", "answer"), ("interviewer", "close")]
    assert turns[2]["criterion"] == "limit-design"

    card = client.get(f"/api/interviews/{iid}/scorecard").json()
    assert card["grader"] == "fake"
    assert 1.0 <= card["overall"] <= 4.0
    assert [q["question_id"] for q in card["questions"]][0] == first
    criterion = card["questions"][0]["criteria"][0]
    assert set(criterion) >= {"id", "name", "score", "evidence", "feedback"}
    assert card["questions"][0]["strong_answer"]
    assert "missed" in card["questions"][0]


def test_finish_early_grades_what_was_answered(client: TestClient) -> None:
    iid = _start(client, questions=3)["id"]
    client.post(f"/api/interviews/{iid}/answers", json={"text": "My one answer."})
    done = client.post(f"/api/interviews/{iid}/finish").json()
    assert done["status"] == "completed" and done["current"] is None
    card = client.get(f"/api/interviews/{iid}/scorecard").json()
    assert len(card["questions"]) == 1
    assert card["unanswered"] == 2
    late = client.post(f"/api/interviews/{iid}/answers", json={"text": "Too late."})
    assert late.status_code == 409
    assert "finished" in late.json()["detail"]


def test_the_same_answer_sent_twice_is_recorded_once(client: TestClient) -> None:
    data = _start(client, questions=2)
    iid, turn = data["id"], data["current"]["turn"]
    body = {"text": "Same answer.", "turn": turn}
    assert client.post(f"/api/interviews/{iid}/answers", json=body).status_code == 200
    assert client.post(f"/api/interviews/{iid}/answers", json=body).status_code == 200
    answers = [t for t in client.get(f"/api/interviews/{iid}").json()["turns"]
               if t["role"] == "candidate"]
    assert len(answers) == 1
    other = client.post(f"/api/interviews/{iid}/answers", json={"text": "Else.", "turn": turn})
    assert other.status_code == 409


def test_answers_are_stored_before_the_model_is_asked(client: TestClient, fake_model: FakeModel,
                                                      plain_draws) -> None:
    iid = _start(client, questions=2)["id"]
    fake_model.fail(1)
    response = client.post(f"/api/interviews/{iid}/answers", json={"text": "Keep me safe."})
    assert response.status_code == 503
    assert "Your answer is saved" in response.json()["detail"]
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert turns[-1]["text"] == "Keep me safe."
    # Resuming grades the stored answer and asks the next question.
    resumed = client.get(f"/interviews/{iid}")
    assert resumed.status_code == 200
    state = client.get(f"/api/interviews/{iid}").json()
    assert state["current"]["number"] == 2


def test_unknown_ids_are_404_with_a_message(client: TestClient) -> None:
    for method, path in [("get", "/api/interviews/nope"), ("get", "/api/interviews/nope/scorecard"),
                         ("post", "/api/interviews/nope/finish")]:
        response = getattr(client, method)(path)
        assert response.status_code == 404
        assert response.json()["detail"] == "no interview with id 'nope'"
    response = client.post("/api/interviews/nope/answers", json={"text": "hi"})
    assert response.status_code == 404


def test_bad_create_requests_are_422_naming_the_problem(client: TestClient) -> None:
    cases = [({"area": "payments"}, "api-products"), ({"topic": "pricing"}, "rate-limiting"),
             ({"questions": 9}, "less than or equal to 8"), ({"mode": "x"}, "'full'"),
             ({"colour": "red"}, "Extra inputs are not permitted"),
             ({"mode": "area"}, "an area drill needs an area"),
             ({"model": " "}, "should match pattern")]
    for body, expected in cases:
        response = client.post("/api/interviews", json=body)
        assert response.status_code == 422, body
        assert expected in response.text, (body, response.text)


def test_a_well_formed_create_naming_what_the_server_lacks_is_404(client: TestClient) -> None:
    """An unknown question or model is well formed (the schema cannot list them), so it is
    not a 422: it names something this server does not have."""
    cases = [({"model": "gpt-x"}, "needs OPENAI_API_KEY"),
             ({"question_id": "nope"}, "no question with id 'nope'"),
             ({"question_id": "nope", "mode": "area"}, "no question with id 'nope'")]
    for body, expected in cases:
        response = client.post("/api/interviews", json=body)
        assert response.status_code == 404, (body, response.text)
        assert expected in response.json()["detail"], (body, response.text)
    assert client.app.state.service.store.list_recent() == []  # nothing was created
    documented = client.get("/openapi.json").json()["paths"]["/api/interviews"]["post"]
    assert "404" in documented["responses"]


def test_the_schema_says_a_local_server_needs_no_credential(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/interviews"]["post"]
    assert {"HTTPBearer": []} in operation["security"] and {} in operation["security"]


def test_bad_answers_are_rejected_and_nothing_is_stored(client: TestClient) -> None:
    iid = _start(client, questions=2)["id"]
    cases = [("", 422, "empty"), ("   \n\t ", 422, "empty"), ("x" * 20_001, 413, "limit"),
             ("bell\x07", 422, "control characters")]
    for text, code, expected in cases:
        response = client.post(f"/api/interviews/{iid}/answers", json={"text": text})
        assert response.status_code == code
        assert expected in response.json()["detail"]
    missing = client.post(f"/api/interviews/{iid}/answers", json={})
    assert missing.status_code == 422
    extra = client.post(f"/api/interviews/{iid}/answers", json={"text": "ok", "score": 4})
    assert extra.status_code == 422
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert [t["role"] for t in turns] == ["interviewer"]


def test_scorecard_before_any_answer_is_409(client: TestClient) -> None:
    iid = _start(client)["id"]
    response = client.get(f"/api/interviews/{iid}/scorecard")
    assert response.status_code == 409
    assert "no answer has been graded yet" in response.json()["detail"]


def test_openapi_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/interviews", "/api/interviews/{interview_id}/answers",
            "/api/interviews/{interview_id}/finish", "/api/interviews/{interview_id}",
            "/api/interviews/{interview_id}/scorecard"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_a_whole_number_written_as_2_0_is_a_number_but_true_is_not(client: TestClient) -> None:
    """JSON Schema's `integer` includes 2.0, so a client generated from the schema may send it."""
    created = client.post("/api/interviews", json={"model": "fake", "questions": 2.0})
    assert created.status_code == 201, created.text
    assert len(client.app.state.service.store.load(created.json()["id"]).state.plan
               .question_ids) == 2
    for bad in (True, "2", 2.5):
        assert client.post("/api/interviews", json={"questions": bad}).status_code == 422
    iid = created.json()["id"]
    answered = client.post(f"/api/interviews/{iid}/answers", json={"text": "Yes.", "turn": 0.0})
    assert answered.status_code == 200, answered.text


def test_a_wrong_method_is_told_every_method_the_path_has(client: TestClient) -> None:
    """/api/interviews has a GET route and a POST route; a 405 names both, not the first."""
    response = client.request("OPTIONS", "/api/interviews")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
    delete = client.delete("/api/interviews")
    assert delete.status_code == 405 and "POST" in delete.headers["allow"]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
@settings(max_examples=300, deadline=None)
def test_the_schema_accepts_exactly_the_text_the_app_accepts(text: str) -> None:
    """The published pattern and Interviews.validate_answer agree on every text, so a client
    that follows the schema never gets a 422 and one that breaks it always does."""
    from interviewer.service import BadAnswer, Interviews

    checker = Interviews(None, None, None)  # type: ignore[arg-type]  # only the rules are used
    try:
        checker.validate_answer(text)
        accepted = True
    except BadAnswer:
        accepted = False
    assert accepted == (re.search(TEXT_SCHEMA["pattern"], text) is not None), repr(text)


def test_the_schema_says_a_drill_names_its_area_or_topic(client: TestClient) -> None:
    """A schema-valid create is never refused for a missing area or topic: the schema says an
    area drill needs an area and a topic drill a topic."""
    import jsonschema_rs  # schemathesis's own validator

    components = client.get("/openapi.json").json()["components"]
    valid = jsonschema_rs.validator_for({"$ref": "#/components/schemas/CreateInterview",
                                         "components": components}).is_valid
    assert not valid({"mode": "area"}) and not valid({"mode": "topic", "area": "api-products"})
    assert valid({"mode": "area", "area": "api-products"}) and valid({"mode": "full"})
    assert valid({"mode": "topic", "topic": "rate-limiting"})


def test_an_area_and_topic_with_no_questions_is_404(settings, mini_service) -> None:
    from interviewer.taxonomy import AREAS, TOPICS
    from interviewer.web.app import create_app

    with TestClient(create_app(settings, mini_service)) as client:
        response = client.post("/api/interviews", json={"area": AREAS[0], "topic": TOPICS[-1]})
        assert response.status_code == 404, response.text
        assert "no questions in area" in response.json()["detail"]
        assert client.post("/api/interviews",
                           json={"area": AREAS[0], "topic": TOPICS[0]}).status_code == 201
