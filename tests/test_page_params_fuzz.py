"""Hypothesis over what a browser can put in the page routes' addresses and forms (share
tokens, export formats, the compared question and attempts, retry and closing questions):
every answer is a page the candidate can read (200, 303, 404 or 422), never a 500, and a
question that is taken is stored whole."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.settings import Settings
from interviewer.web.app import create_app
from tests.conftest import make_service
from tests.fakes import FakeModel
from tests.progress_seed import answer_one

Q1 = "api-payments-create-idempotency"
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)  # what a URL can carry
SEGMENT = TEXT.filter(lambda t: t not in ("", ".", ".."))  # these resolve to another path
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, list[str]]]:
    """The app, with two finished attempts at one question by the local candidate."""
    db: Path = tmp_path_factory.mktemp("fuzz") / "pages.db"
    config = Settings(_env_file=None, INTERVIEWER_DB=str(db), INTERVIEWER_RATE_LIMIT=100_000)
    fake = FakeModel()
    service = make_service(config, default_library(), fake)
    ids = [answer_one(service, fake, Q1, "First go."), answer_one(service, fake, Q1, "Again.")]
    with TestClient(create_app(config, service)) as client:
        yield client, ids


def _readable(response, *codes: int) -> None:
    assert response.status_code in codes, (response.status_code, response.text[:300])
    assert response.status_code == 303 or "text/html" in response.headers["content-type"]


@FUZZ
@given(token=SEGMENT)
def test_any_share_token_is_a_page_or_a_404(site, token: str) -> None:
    client, _ = site
    _readable(client.get(f"/shared/{quote(token, safe='')}"), 404)


@FUZZ
@given(fmt=SEGMENT)
def test_any_export_format_is_a_download_or_a_404(site, fmt: str) -> None:
    client, ids = site
    response = client.get(f"/interviews/{ids[0]}/export.{quote(fmt, safe='')}")
    assert response.status_code in (200, 404), response.text[:300]
    assert response.status_code == 404 or fmt in ("md", "json", "pdf")


@FUZZ
@given(question=SEGMENT, before=TEXT, after=TEXT)
def test_any_compared_question_and_attempts_are_a_page_or_a_404(site, question: str,
                                                                before: str, after: str) -> None:
    client, ids = site
    _readable(client.get(f"/progress/questions/{quote(question, safe='')}",
                         params={"before": before, "after": after}), 404)
    for pair in ({"before": ids[0], "after": after}, {"before": before, "after": ids[1]}):
        _readable(client.get(f"/progress/questions/{Q1}", params=pair), 200, 404)


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


@FUZZ
@given(question=TEXT)
def test_any_retried_question_id_starts_that_question_or_is_a_404(site, question: str) -> None:
    client, ids = site
    sent = client.post(f"/interviews/{ids[0]}/retry", follow_redirects=False,
                       data={"csrf_token": _csrf(client, "/"), "question_id": question})
    _readable(sent, 303, 404)
    assert (sent.status_code == 303) == (question == Q1)


@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=2_100))
def test_any_closing_question_is_stored_whole_or_refused_saying_why(site, text: str) -> None:
    client, ids = site
    before = client.get(f"/api/interviews/{ids[1]}").json()["turns"]
    sent = client.post(f"/interviews/{ids[1]}/close-questions", follow_redirects=False,
                       data={"csrf_token": _csrf(client, "/"), "text": text})
    _readable(sent, 303, 422)
    after = client.get(f"/api/interviews/{ids[1]}").json()["turns"]
    if sent.status_code == 303:
        assert after[len(before)]["text"] == " ".join(text.split())
    else:
        assert after == before and 'role="alert"' in sent.text
