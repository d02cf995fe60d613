"""Security headers on every response, errors included, and model text that cannot carry
markup or links into a page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from interviewer.web.markdown import render_markdown
from tests.fakes import FakeModel

HEADERS = ["content-security-policy", "x-content-type-options", "x-frame-options",
           "referrer-policy", "cross-origin-opener-policy", "permissions-policy"]


@pytest.mark.parametrize("path", ["/api/interviews/x", "/interviews/x"])
def test_an_unexpected_error_still_carries_the_security_headers(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    def broken(interview_id: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(client.app.state.service, "load", broken)
    with TestClient(client.app, raise_server_exceptions=False) as raw:
        response = raw.get(path)
    assert response.status_code == 500
    assert "a bug" not in response.text  # no traceback for the visitor
    for name in HEADERS:
        assert response.headers.get(name), name
    assert "default-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("text", [
    "[the docs](http://evil.example/login)", "<http://evil.example/login>",
    "[x](https://evil.example)", "[m](mailto:a@evil.example)", "[rel](/history)",
    '[t](http://evil.example "title")', "[ref][1]\n\n[1]: http://evil.example",
    "www.evil.example and http://evil.example/bare",
])
def test_model_markdown_never_renders_a_clickable_link(text: str) -> None:
    html = str(render_markdown(f"See {text} now."))
    assert "<a" not in html and "href" not in html
    assert html.startswith("<p>See ") and "now." in html  # the words stay


class HtmlModel(FakeModel):
    """A model that answers every turn with markup, a script and a link."""

    async def phrase(self, request):  # type: ignore[override]
        self.turn_requests.append(request)
        yield "**Bold** <script>alert(1)</script> <img src=x onerror=alert(2)> "
        yield "[win a prize](http://evil.example) and a follow-up?"


def test_the_interview_page_renders_model_turns_as_sanitised_markdown(
        settings, tmp_path) -> None:
    from interviewer.library import default_library
    from interviewer.web.app import create_app
    from tests.conftest import make_service

    app = create_app(settings, make_service(settings, default_library(), HtmlModel()))
    with TestClient(app) as client:
        iid = client.post("/api/interviews", json={"model": "fake", "questions": 2}).json()["id"]
        client.post(f"/api/interviews/{iid}/answers", json={"text": "An answer."})
        page = client.get(f"/interviews/{iid}").text
    # the first turn in the transcript and the current one both come from the model
    assert page.count("<strong>Bold</strong>") == 2
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "<script>alert" not in page and "<img" not in page
    assert "evil.example" not in page and page.count("win a prize") == 2
