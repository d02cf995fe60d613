"""The server-rendered pages: forms with CSRF tokens, post-redirect-get, escaping."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.fakes import FakeModel


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


def _start(client: TestClient, **fields: str) -> str:
    token = _token(client.get("/").text)
    response = client.post("/interviews", data={"csrf_token": token, "model": "fake", **fields},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_home_offers_every_mode_area_and_topic(client: TestClient) -> None:
    html = client.get("/").text
    for value in ["full", "area", "topic", "single", "api-products", "identity-auth",
                  "rate-limiting", "platform-strategy"]:
        assert f'value="{value}"' in html
    assert "offline" in html.lower()


def test_a_whole_interview_through_the_forms(client: TestClient, fake_model: FakeModel) -> None:
    url = _start(client, mode="area", area="api-products", questions="2")
    page = client.get(url).text
    assert "Question 1 of 2" in page
    answers = ["First answer about the API.", "Second answer about the API."]
    for answer in answers + ["More about the API."] * 4:  # a staged case adds its twist
        page = client.get(url).text
        if 'name="turn"' not in page:
            break
        response = client.post(f"{url}/answers", follow_redirects=False, data={
            "csrf_token": _token(page), "text": answer,
            "turn": re.search(r'name="turn" value="(\d+)"', page).group(1)})
        assert response.status_code == 303
    done = client.get(url, follow_redirects=False)
    assert done.status_code == 200 and "Interview complete" in done.text
    assert "Do you have any questions for me?" in done.text  # the close, in the transcript
    assert f'href="{url}/scorecard"' in done.text
    card = client.get(f"{url}/scorecard").text
    assert "First answer about the API." in card
    assert "fake" in card
    history = client.get("/history").text
    assert url.rsplit("/", 1)[1] in history


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    client.get("/")
    response = client.post("/interviews", data={"mode": "full", "csrf_token": "forged" * 8})
    assert response.status_code == 403
    assert "reload the page" in response.text


def test_an_empty_answer_keeps_the_page_with_a_message(client: TestClient) -> None:
    url = _start(client)
    page = client.get(url).text
    response = client.post(f"{url}/answers", data={"csrf_token": _token(page), "text": "  "})
    assert response.status_code == 422
    assert "the answer is empty" in response.text.lower()


def test_a_too_long_answer_is_kept_in_the_box(client: TestClient) -> None:
    url = _start(client)
    page = client.get(url).text
    text = "word " * 5000
    response = client.post(f"{url}/answers", data={"csrf_token": _token(page), "text": text})
    assert response.status_code == 422
    assert "the limit is 20,000" in response.text
    assert text.strip() in response.text  # the draft is not lost


def test_bad_start_form_explains_itself(client: TestClient) -> None:
    token = _token(client.get("/").text)
    response = client.post("/interviews", data={"csrf_token": token, "mode": "area"})
    assert response.status_code == 422
    assert "An area drill needs an area" in response.text


def test_answers_are_shown_as_text_not_html(client: TestClient) -> None:
    url = _start(client, questions="1")
    page = client.get(url).text
    client.post(f"{url}/answers", data={"csrf_token": _token(page),
                                        "text": "<script>alert(1)</script> my answer"})
    card = client.get(f"{url}/scorecard").text
    assert "<script>alert(1)</script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card


def test_unknown_interview_page_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/interviews/does-not-exist")
    assert response.status_code == 404
    assert "There is no interview at this address." in response.text


def test_the_close_answers_the_candidates_question_from_the_yaml(client: TestClient,
                                                                 plain_draws) -> None:
    url = _start(client, mode="area", area="api-products", questions="1")
    page = client.get(url).text
    client.post(f"{url}/answers", data={"csrf_token": _token(page), "text": "An answer.",
                                        "turn": "0"})
    done = client.get(url).text
    for ask in ("How do you measure success here?", "<b>Qu'est-ce?</b>"):
        sent = client.post(f"{url}/close-questions", follow_redirects=False,
                           data={"csrf_token": _token(done), "text": ask})
        assert sent.status_code == 303
    asked = client.get(url).text  # both kept, in the order asked, each with its answer
    assert asked.index("How do you measure success here?") < asked.index(
        "Teams pick it when they could build their own") < asked.index(
        "&lt;b&gt;Qu&#39;est-ce?&lt;/b&gt;") < asked.index("I can speak best to the role")


def test_finishing_with_questions_left_asks_first(client: TestClient) -> None:
    url = _start(client, mode="area", area="api-products", questions="3")
    page = client.get(url).text
    first = client.post(f"{url}/finish", data={"csrf_token": _token(page)},
                        follow_redirects=False)
    assert first.status_code == 200 and "3 questions are still unanswered" in first.text
    assert 'name="confirm" value="1"' in first.text
    assert "Question 1 of 3" in client.get(url).text  # nothing was finished
    sure = client.post(f"{url}/finish", data={"csrf_token": _token(first.text), "confirm": "1"},
                       follow_redirects=False)
    assert sure.headers["location"] == f"{url}/scorecard"


def test_a_resubmit_after_back_says_where_the_interview_is(client: TestClient,
                                                           plain_draws) -> None:
    url = _start(client, mode="topic", topic="versioning", questions="2")
    page = client.get(url).text
    sent = {"csrf_token": _token(page), "text": "First answer.", "turn": "0"}
    client.post(f"{url}/answers", data=sent)
    again = client.post(f"{url}/answers", data={**sent, "text": "An edited first answer."})
    assert again.status_code == 409
    assert "Turn 0" not in again.text
    assert "moved on to question 2 of 2" in again.text
    assert f'<a href="{url}">Go to where the interview is now</a>' in again.text
    assert "An edited first answer." in again.text  # nothing typed is lost


def test_one_question_with_nothing_picked_is_refused(client: TestClient) -> None:
    token = _token(client.get("/").text)
    response = client.post("/interviews", data={"csrf_token": token, "model": "fake",
                                                "mode": "single", "question_id": ""})
    assert response.status_code == 422
    assert "pick a question for “One question”" in response.text.lower() or \
        "Pick a question for “One question”" in response.text


def test_the_home_page_groups_marks_and_offers_a_daily_question(
        client: TestClient) -> None:
    url = _start(client, mode="single", question_id="api-sms-tiered-rate-limits")
    page = client.get(url).text
    client.post(f"{url}/answers", data={"csrf_token": _token(page), "text": "An answer.",
                                        "turn": "0"})
    home = client.get("/").text
    assert '<optgroup label="API products · Rate limiting">' in home
    assert re.search(r'value="api-sms-tiered-rate-limits"[^>]*data-done[^>]*>✓ ', home)
    assert "Question of the day" in home and 'id="daily-start"' in home
    assert "OPENAI_API_KEY" not in home and "Calibration</a>" not in home.split("<main")[0]


def test_the_scorecard_shows_every_exchange_in_order_with_its_time(
        client: TestClient, fake_model: FakeModel) -> None:
    url = _start(client, mode="single", question_id="api-sms-tiered-rate-limits")
    fake_model.enqueue({"limit-design": 1}, {})
    for answer in ["Use one limit.", "Then a token bucket per key."]:
        page = client.get(url).text
        client.post(f"{url}/answers", data={
            "csrf_token": _token(page), "text": answer,
            "turn": re.search(r'name="turn" value="(\d+)"', page).group(1)})
    card = client.get(f"{url}/scorecard").text
    said = card[card.index("The exchange"):]
    assert said.index("Use one limit.") < said.index("Follow-up") < said.index(
        "Then a token bucket per key.")
    assert re.search(r"took \d+ s of a \d+ min \d\d s target", said)


def _scorecard_after_one_answer(client: TestClient, model: str) -> str:
    url = _start(client, mode="single", question_id="api-sms-tiered-rate-limits", model=model)
    page = client.get(url).text
    client.post(f"{url}/answers", data={
        "csrf_token": _token(page), "text": "A token bucket per API key, with 429 and Retry-After.",
        "turn": re.search(r'name="turn" value="(\d+)"', page).group(1)})
    client.post(f"{url}/finish", data={"csrf_token": _token(client.get(url).text)})
    return html.unescape(client.get(f"{url}/scorecard").text)


def test_an_offline_scorecard_says_once_what_the_offline_grader_cannot_judge(
        client: TestClient, fake_model: FakeModel) -> None:
    from interviewer.offline.confidence import OFFLINE_LIMITS

    card = _scorecard_after_one_answer(client, "offline")
    assert "Graded by the offline grader" in card
    assert card.count(OFFLINE_LIMITS) == 1
    fake_model.enqueue({"limit-design": 3}, {})
    assert OFFLINE_LIMITS not in _scorecard_after_one_answer(client, "fake")
