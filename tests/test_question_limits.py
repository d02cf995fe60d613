"""A question the candidate types (clarifying, or about the role after the close) is taken
whole or refused whole with the limit named: never cut without a word."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from interviewer.service import MAX_QUESTION_CHARS

PLAIN_QUESTION = "api-payments-create-idempotency"  # an ordinary design question: no staged twist


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def _open_page(client: TestClient) -> tuple[str, str]:
    """A one-question interview on a known question, its page showing the question."""
    token = _token(client.get("/").text)
    sent = client.post("/interviews", follow_redirects=False, data={
        "csrf_token": token, "model": "fake", "mode": "single", "question_id": PLAIN_QUESTION})
    assert sent.status_code == 303, sent.text
    url = sent.headers["location"]
    return url, client.get(url).text


def _finished_page(client: TestClient) -> tuple[str, str]:
    url, page = _open_page(client)
    client.post(f"{url}/answers", data={"csrf_token": _token(page), "text": "An answer.",
                                        "turn": "0"})
    done = client.get(url).text
    assert "Ask about the role" in done
    return url, done


def _turn_kinds(client: TestClient, url: str) -> list[tuple[str, str]]:
    iid = url.rsplit("/", 1)[1]
    return [(t["kind"], t["text"]) for t in client.get(f"/api/interviews/{iid}").json()["turns"]]


def _long_question(chars: int) -> str:
    words = "How does the platform team decide which internal customers come first? "
    return (words * (chars // len(words) + 1))[:chars - 1].rstrip() + "?"


def _box_value(page: str, box_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{box_id}"[^>]*>', page)
    assert match, f"the page has the #{box_id} box"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def test_a_closing_question_over_the_old_300_cut_is_kept_whole(client: TestClient) -> None:
    url, done = _finished_page(client)
    asked = _long_question(900)
    sent = client.post(f"{url}/close-questions", follow_redirects=False,
                       data={"csrf_token": _token(done), "text": asked})
    assert sent.status_code == 303
    assert ("close_question", asked) in _turn_kinds(client, url)


def test_an_over_long_closing_question_is_refused_naming_the_limit(client: TestClient) -> None:
    url, done = _finished_page(client)
    asked = _long_question(MAX_QUESTION_CHARS + 1)
    refused = client.post(f"{url}/close-questions", follow_redirects=False,
                          data={"csrf_token": _token(done), "text": asked})
    assert refused.status_code == 422
    assert f"The question is {MAX_QUESTION_CHARS + 1:,} characters; the limit for a question " \
           f"is {MAX_QUESTION_CHARS:,}" in html.unescape(refused.text)
    assert _box_value(refused.text, "ask") == asked  # what they typed is still there
    assert "close_question" not in [kind for kind, _ in _turn_kinds(client, url)]


def test_an_over_long_clarifying_question_is_refused_and_kept_in_its_box(
        client: TestClient) -> None:
    url, page = _open_page(client)
    asked = _long_question(MAX_QUESTION_CHARS + 40)
    refused = client.post(f"{url}/clarifications", follow_redirects=False,
                          data={"csrf_token": _token(page), "text": asked})
    assert refused.status_code == 422
    assert f"the limit for a question is {MAX_QUESTION_CHARS:,}" in html.unescape(refused.text)
    assert _box_value(refused.text, "clarify") == asked
    assert "clarify" not in [kind for kind, _ in _turn_kinds(client, url)]
    at_limit = _long_question(MAX_QUESTION_CHARS)
    client.post(f"{url}/clarifications", data={"csrf_token": _token(page), "text": at_limit})
    assert ("clarify", at_limit) in _turn_kinds(client, url)


@pytest.mark.parametrize("box", ["clarify", "ask"])
def test_no_question_box_has_a_maxlength_a_browser_would_cut_a_paste_at(
        client: TestClient, box: str) -> None:
    page = _open_page(client)[1] if box == "clarify" else _finished_page(client)[1]
    tag = re.search(rf'<input[^>]*id="{box}"[^>]*>', page)
    assert tag and "maxlength" not in tag.group(0)


def test_the_api_refuses_an_over_long_clarifying_question_naming_field_and_limit(
        client: TestClient) -> None:
    created = client.post("/api/interviews", json={"model": "fake",
                                                   "question_id": PLAIN_QUESTION})
    iid = created.json()["id"]
    refused = client.post(f"/api/interviews/{iid}/clarifications",
                          json={"text": _long_question(MAX_QUESTION_CHARS + 1)})
    assert refused.status_code == 422
    assert f"text: String should have at most {MAX_QUESTION_CHARS} characters" \
        in refused.json()["detail"]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ClarifyBody"]
    assert schema["properties"]["text"]["maxLength"] == MAX_QUESTION_CHARS
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert [t["kind"] for t in turns] == ["question"]


def test_an_over_long_token_name_is_refused_whole_and_kept_in_its_box(tmp_path) -> None:
    """The account page's token name was cut at 80 characters, by the browser's maxlength
    on a paste and by the server, without a word."""
    from interviewer.identity.accounts import MAX_TOKEN_NAME
    from interviewer.settings import Settings
    from interviewer.web.app import create_app
    from tests.forms import post_form, sign_up

    app = create_app(Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "acc.db"),
                              INTERVIEWER_AUTH="accounts", INTERVIEWER_MODEL="offline"))
    with TestClient(app) as client:
        sign_up(client, "alice")
        long_name = "nightly practice script on the build server " * 2  # 88 characters
        refused = post_form(client, "/account", "/account/tokens", name=long_name)
        assert refused.status_code == 422
        assert f"The token name is {len(long_name.strip()):,} characters; the limit is " \
               f"{MAX_TOKEN_NAME}" in refused.text
        assert _box_value(refused.text, "token-name") == long_name
        assert "pmi_" not in refused.text  # no token was made
        fits = long_name[:MAX_TOKEN_NAME]
        made = post_form(client, "/account", "/account/tokens", name=fits)
        assert made.status_code == 200 and html.escape(fits.strip()) in made.text
        assert "maxlength" not in re.search(r'<input[^>]*id="token-name"[^>]*>',
                                            made.text).group(0)


def test_the_api_asks_about_the_role_after_the_close_with_the_same_limit(
        client: TestClient) -> None:
    created = client.post("/api/interviews", json={"model": "fake",
                                                   "question_id": PLAIN_QUESTION}).json()
    url = f"/api/interviews/{created['id']}/close-questions"
    early = client.post(url, json={"text": "How is success measured?"})
    assert early.status_code == 409 and "finish the interview first" in early.json()["detail"]
    client.post(f"/api/interviews/{created['id']}/answers", json={"text": "An answer."})
    asked = _long_question(900)
    taken = client.post(url, json={"text": f"  {asked}  "})
    assert taken.status_code == 200, taken.text
    assert taken.json()["asked"] == asked and taken.json()["reply"]
    refused = client.post(url, json={"text": _long_question(MAX_QUESTION_CHARS + 1)})
    assert refused.status_code == 422
    assert f"text: String should have at most {MAX_QUESTION_CHARS} characters" \
        in refused.json()["detail"]
    turns = client.get(f"/api/interviews/{created['id']}").json()["turns"]
    assert [(t["kind"], t["text"]) for t in turns[-2:]] == [
        ("close_question", asked), ("close_answer", taken.json()["reply"])]
