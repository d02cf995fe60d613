"""Cross-site forgery: form tokens signed by the server secret and bound to the browser, and an
Origin check on every unsafe request, forms and JSON API alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.settings import Settings
from interviewer.web.app import create_app
from interviewer.web.csrf import COOKIE
from tests.conftest import make_service
from tests.fakes import FakeModel

EVIL = "https://evil.example"
HERE = "http://testserver"
EXPIRED = "this form has expired or did not come from this site"


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _start(client: TestClient) -> str:
    """A two-question interview started through the home form; returns its page's path."""
    response = client.post("/interviews", follow_redirects=False, data={
        "csrf_token": _token(client.get("/").text), "model": "fake", "questions": "2"})
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    assert "Question 1 of 2" in client.get(url).text  # the page asks the first question
    return url


def _turns(client: TestClient, url: str) -> list[str]:
    return [t["role"] for t in client.get("/api" + url).json()["turns"]]


def _status(client: TestClient, url: str) -> str:
    return client.get("/api" + url).json()["status"]


def _app(tmp_path: Path, fake: FakeModel, secret: str | None = None) -> TestClient:
    env = {"INTERVIEWER_SECRET_KEY": secret} if secret else {}
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "c.db"), **env)
    return TestClient(create_app(settings, make_service(settings, default_library(), fake)))


@pytest.fixture
def other_browser(client: TestClient) -> Iterator[TestClient]:
    """A second browser on the same server, with its own cookies."""
    with TestClient(client.app) as second:
        yield second


def test_the_answer_form_refuses_a_token_that_is_not_this_browsers(
        client: TestClient, other_browser: TestClient) -> None:
    url = _start(client)
    stolen = _token(other_browser.get("/").text)  # valid, but signed for another browser
    for token in [stolen, "", "forged" * 8]:
        response = client.post(f"{url}/answers", data={"csrf_token": token, "text": "mine"})
        assert response.status_code == 403
        assert EXPIRED in response.text
    assert _turns(client, url) == ["interviewer"]  # nothing was stored
    ok = client.post(f"{url}/answers", data={"csrf_token": _token(client.get(url).text),
                                             "text": "mine"}, follow_redirects=False)
    assert ok.status_code == 303 and _turns(client, url)[:2] == ["interviewer", "candidate"]


def test_the_finish_form_refuses_a_forged_token(client: TestClient,
                                                other_browser: TestClient) -> None:
    url = _start(client)
    stolen = _token(other_browser.get("/").text)
    for token in [stolen, "", "forged" * 8]:
        response = client.post(f"{url}/finish", data={"csrf_token": token})
        assert response.status_code == 403
        assert EXPIRED in response.text
    assert _status(client, url) == "in_progress"
    ok = client.post(f"{url}/finish", data={"csrf_token": _token(client.get(url).text),
                                            "confirm": "1"}, follow_redirects=False)
    assert ok.status_code == 303 and _status(client, url) == "completed"


def test_a_cookie_equal_to_the_field_is_not_enough(client: TestClient) -> None:
    url = _start(client)
    client.cookies.set(COOKIE, "a" * 43)
    response = client.post(f"{url}/answers", data={"csrf_token": "a" * 43, "text": "mine"})
    assert response.status_code == 403
    assert _turns(client, url) == ["interviewer"]


def test_a_token_survives_a_restart_with_the_same_secret_and_no_other(
        tmp_path: Path, fake_model: FakeModel) -> None:
    key = "k" * 40
    with _app(tmp_path, fake_model, key) as first:
        first.get("/")
        token, browser = _token(first.get("/").text), first.cookies[COOKIE]
    for secret, expected in [(key, 303), ("z" * 40, 403)]:
        with _app(tmp_path, fake_model, secret) as restarted:
            restarted.cookies.set(COOKIE, browser)
            response = restarted.post("/interviews", follow_redirects=False, data={
                "csrf_token": token, "model": "fake"})
            assert response.status_code == expected, secret


@pytest.mark.parametrize("headers", [
    {"origin": EVIL}, {"origin": "null"}, {"referer": EVIL + "/page"},
    {"origin": "http://testserver.evil.example"}, {"origin": "not a url"},
])
def test_forms_from_another_origin_are_refused_even_with_a_valid_token(
        client: TestClient, headers: dict[str, str]) -> None:
    url = _start(client)
    token = _token(client.get(url).text)
    answer = client.post(f"{url}/answers", data={"csrf_token": token, "text": "x"},
                         headers=headers)
    finish = client.post(f"{url}/finish", data={"csrf_token": token}, headers=headers)
    start = client.post("/interviews", data={"csrf_token": token, "model": "fake"},
                        headers=headers)
    assert [answer.status_code, finish.status_code, start.status_code] == [403, 403, 403]
    assert "cross-site request refused" in answer.text
    assert _turns(client, url) == ["interviewer"] and _status(client, url) == "in_progress"


def test_forms_from_this_origin_pass(client: TestClient) -> None:
    url = _start(client)
    token = _token(client.get(url).text)
    for headers in [{"origin": HERE}, {"referer": HERE + url}, {"origin": HERE.upper()}]:
        response = client.post("/interviews", follow_redirects=False, headers=headers,
                               data={"csrf_token": token, "model": "fake"})
        assert response.status_code == 303, headers


def test_a_bodiless_api_finish_from_another_origin_is_refused(client: TestClient) -> None:
    iid = client.post("/api/interviews", json={"model": "fake"}).json()["id"]
    refused = client.post(f"/api/interviews/{iid}/finish", headers={"origin": EVIL})
    assert refused.status_code == 403
    assert "cross-site request refused" in refused.json()["detail"]
    assert client.get(f"/api/interviews/{iid}").json()["status"] == "in_progress"
    answer = client.post(f"/api/interviews/{iid}/answers", json={"text": "x"},
                         headers={"origin": EVIL})
    assert answer.status_code == 403
    # a script or curl sends no Origin; the page's own origin is fine
    assert client.post(f"/api/interviews/{iid}/finish",
                       headers={"origin": HERE}).status_code == 200


def test_reading_from_another_origin_is_not_refused(client: TestClient) -> None:
    assert client.get("/", headers={"origin": EVIL}).status_code == 200


def test_the_browser_cookie_is_http_only_and_lax(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "set-cookie" not in client.get("/").headers  # made once, then reused


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(max_size=80))
def test_no_made_up_token_passes(client: TestClient, token: str) -> None:
    client.get("/")
    response = client.post("/interviews", data={"csrf_token": token, "model": "fake"},
                           follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize(("cookie", "kept"), [("a" * 31, False), ("a" * 32, True),
                                              ("a" * 64, True), ("a" * 65, False),
                                              ("a" * 31 + "!", False)])
def test_only_a_well_formed_browser_id_is_kept(client: TestClient, cookie: str,
                                               kept: bool) -> None:
    client.cookies.set(COOKIE, cookie)
    response = client.get("/")
    assert ("set-cookie" not in response.headers) == kept


def test_the_browser_cookie_is_secure_over_https(client: TestClient) -> None:
    with TestClient(client.app, base_url="https://testserver") as secure:
        cookie = secure.get("/").headers["set-cookie"]
    assert "Secure" in cookie and "Path=/" in cookie
    assert "Secure" not in client.get("/").headers["set-cookie"]


def test_every_form_on_the_pages_refuses_a_forged_token(client: TestClient) -> None:
    """Every form the pages offer must check its token: a new form without the check fails
    here."""
    url = _start(client)
    html = client.get("/").text + client.get(url).text
    actions = sorted(set(re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)))
    assert {"/interviews", f"{url}/answers", f"{url}/finish"} <= set(actions)
    for action in actions:
        response = client.post(action, data={"csrf_token": "forged" * 8, "text": "x"},
                               files={"audio": ("a.webm", b"\x1a\x45\xdf\xa3", "audio/webm")})
        assert response.status_code == 403, action
    assert _turns(client, url) == ["interviewer"] and _status(client, url) == "in_progress"
