"""The server-rendered pages: forms with CSRF tokens, post-redirect-get, escaping."""

from __future__ import annotations

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
    for answer in ["First answer about the API.", "Second answer about the API."]:
        page = client.get(url).text
        response = client.post(f"{url}/answers", follow_redirects=False, data={
            "csrf_token": _token(page), "text": answer,
            "turn": re.search(r'name="turn" value="(\d+)"', page).group(1)})
        assert response.status_code == 303
    assert client.get(url, follow_redirects=False).headers["location"] == f"{url}/scorecard"
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
