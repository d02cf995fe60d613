"""Hostile input, security headers, CSRF-safe JSON, rate limits and secrets kept secret."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interviewer.library import default_library
from interviewer.settings import Settings
from interviewer.web.app import create_app
from interviewer.web.limits import RateLimiter
from interviewer.web.markdown import render_markdown
from tests.conftest import make_service
from tests.fakes import FakeModel


def _start(client: TestClient, model: str = "fake") -> dict:
    response = client.post("/api/interviews", json={"model": model, "questions": 2})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("path", ["/", "/history", "/api/interviews/nope", "/docs",
                                  "/static/app.css"])
def test_every_response_carries_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and script_src.strip() == "'self'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    iid = _start(client)["id"]
    for path in ["/", f"/interviews/{iid}", "/history"]:
        html = client.get(path).text
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html


@pytest.mark.parametrize(("content_type", "body"), [
    ("application/x-www-form-urlencoded", "mode=full"),
    ("text/plain", '{"mode": "full"}'),
    ("multipart/form-data; boundary=x", "--x--"),
])
def test_api_accepts_only_json_bodies(client: TestClient, content_type: str, body: str) -> None:
    response = client.post("/api/interviews", content=body,
                           headers={"content-type": content_type})
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_invalid_utf8_is_a_clear_4xx_and_stores_nothing(client: TestClient) -> None:
    iid = _start(client)["id"]
    response = client.post(f"/api/interviews/{iid}/answers",
                           content=b'{"text": "caf\xe9 \xff"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["detail"] == ("the request body could not be read: "
                                         "send JSON encoded as UTF-8")
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert [t["role"] for t in turns] == ["interviewer"]


def test_an_answer_at_the_limit_is_kept_and_one_over_is_refused_whole(client: TestClient) -> None:
    iid = _start(client)["id"]
    over = client.post(f"/api/interviews/{iid}/answers", json={"text": "a" * 20_001})
    assert over.status_code == 413
    assert "the limit is 20,000" in over.json()["detail"]
    at_limit = client.post(f"/api/interviews/{iid}/answers", json={"text": "a" * 20_000})
    assert at_limit.status_code == 200
    stored = client.get(f"/api/interviews/{iid}").json()["turns"][1]["text"]
    assert len(stored) == 20_000


def test_markdown_from_a_model_is_sanitised() -> None:
    html = str(render_markdown("**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)> "
                               "[bad](javascript:alert(1)) [good](https://example.org)"))
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "<img" not in html and "href" not in html
    assert "<a" not in html and "good" in html  # links become their text


def test_rate_limiter_window() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.retry_after("a") is None and limiter.retry_after("a") is None
    assert limiter.retry_after("a") == 60
    assert limiter.retry_after("b") is None  # per client
    now[0] = 45.0
    assert limiter.retry_after("a") == 15
    now[0] = 60.5
    assert limiter.retry_after("a") is None


@pytest.fixture
def limited(tmp_path: Path, fake_model: FakeModel) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "l.db"),
                        INTERVIEWER_RATE_LIMIT=2)
    app = create_app(settings, make_service(settings, default_library(), fake_model))
    with TestClient(app) as client:
        yield client


def test_spending_requests_are_rate_limited_and_the_answer_is_kept(limited: TestClient) -> None:
    iid = _start(limited)["id"]
    assert limited.post(f"/api/interviews/{iid}/answers", json={"text": "one"}).status_code == 200
    refused = limited.post(f"/api/interviews/{iid}/answers", json={"text": "two"})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "Your answer is saved" in refused.json()["detail"]
    texts = [t["text"] for t in limited.get(f"/api/interviews/{iid}").json()["turns"]]
    assert texts[-1] == "two"
    assert limited.post("/api/interviews", json={"model": "fake"}).status_code == 429


def test_offline_grading_is_rate_limited_like_any_spending(limited: TestClient) -> None:
    """Offline grading costs the server CPU, so it counts against the same allowance."""
    iid = _start(limited, model="offline")["id"]
    assert limited.post(f"/api/interviews/{iid}/answers", json={"text": "one"}).status_code == 200
    refused = limited.post(f"/api/interviews/{iid}/answers", json={"text": "two"})
    assert refused.status_code == 429
    assert "Your answer is saved" in refused.json()["detail"]
    assert limited.get(f"/api/interviews/{iid}").json()["turns"][-1]["text"] == "two"
    assert limited.post("/api/interviews", json={"model": "offline"}).status_code == 429
    page = limited.get(f"/interviews/{iid}")  # the resume page waits instead of grading
    assert page.status_code == 200 and "Too many model requests just now" in page.text


def test_the_api_key_never_reaches_a_page_a_response_or_a_log(
        tmp_path: Path, fake_model: FakeModel, caplog: pytest.LogCaptureFixture) -> None:
    secret = "sk-test-DO-NOT-LEAK-0123456789"
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "k.db"),
                        OPENAI_API_KEY=secret, INTERVIEWER_MODEL="fake")
    app = create_app(settings, make_service(settings, default_library(), fake_model))
    seen: list[str] = []
    with caplog.at_level(logging.DEBUG), TestClient(app) as client:
        iid = _start(client)["id"]
        client.post(f"/api/interviews/{iid}/answers", json={"text": "an answer"})
        for path in ["/", "/history", f"/interviews/{iid}", f"/api/interviews/{iid}",
                     f"/api/interviews/{iid}/scorecard", "/openapi.json"]:
            response = client.get(path)
            seen.append(response.text + str(response.headers))
    assert repr(settings.openai_api_key) != secret
    assert all(secret not in text for text in seen)
    assert secret not in caplog.text
