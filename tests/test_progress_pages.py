"""The Progress page, comparing attempts and retrying a question, through TestClient: what
the candidate sees, and that nobody else sees any of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import hypothesis
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.settings import Settings
from interviewer.web.app import create_app
from tests.conftest import make_service
from tests.fakes import FakeModel
from tests.forms import post_form, sign_up
from tests.progress_seed import answer_one, backdate, criteria_of

Q1, Q2 = "api-payments-create-idempotency", "api-webhook-delivery-redesign"


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


def test_a_new_candidate_sees_the_empty_state(client: TestClient) -> None:
    page = client.get("/progress")
    assert page.status_code == 200
    assert "No progress to show yet" in page.text
    assert "<svg class=\"chart\"" not in page.text
    assert '<a href="/progress" aria-current="page">Progress</a>' in page.text  # in the nav


def test_progress_after_several_interviews(client: TestClient, fake_model: FakeModel) -> None:
    service = client.app.state.service
    first, *_ = criteria_of(service, Q1)
    answer_one(service, fake_model, Q1, "We key each charge by a client token.", {first: 1})
    answer_one(service, fake_model, Q1, "Retries reuse the key and get the first result.",
               {first: 3})
    answer_one(service, fake_model, Q2, "Webhooks retry with backoff and a signature.")
    page = client.get("/progress").text
    assert "3 graded answers across 3 interviews" in page
    charts = re.findall(r'<svg class="chart".*?</svg>', page, re.S)
    criteria = set(criteria_of(service, Q1)) | set(criteria_of(service, Q2))
    assert len(charts) == len(criteria) + 1  # one per criterion graded, one per topic
    points = [len(re.findall(r"<circle class=\"chart-point", c)) for c in charts]
    assert max(points) == 3 and min(points) >= 1 and all("<title" in c for c in charts)
    # the weak criterion's chart reads out 1.0 then 3.0, and draws a line through them
    name = service.library.rubric_for(service.library.question(Q1)).criterion(first).name
    mine = next(c for c in charts if f"<title id=\"criterion-{first}-title\">{name}" in c)
    assert re.search(r": 1\.0, \d{4}-\d\d-\d\d: 3\.0", mine) and "<polyline" in mine
    assert "Weakest criteria" in page and "Next suggested practice" in page
    assert "Your practice schedule" in page
    assert 'href="/progress/questions/' + Q1 + '"' in page  # two attempts: compare them


@pytest.mark.both_backends  # its interview is moved into the past in the database
def test_the_suggestion_starts_its_practice_in_one_click(client: TestClient,
                                                         fake_model: FakeModel) -> None:
    service = client.app.state.service
    weak = criteria_of(service, Q1)[0]
    backdate(service, answer_one(service, fake_model, Q1, "A short answer.", {weak: 1}), 3)
    page = client.get("/progress").text
    assert "was last practised 3 days ago" in page  # three times its one-day interval
    queue = re.search(r'<table class="history-table queue-table">.*?</table>', page, re.S)
    assert queue is not None
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", queue.group(0), re.S).group(1)
    assert "overdue by 2.0 days" in first_row  # first in the schedule
    form = re.search(r'<section class="panel panel-accent next-practice".*?</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
    assert fields["mode"] == "single" and fields["question_id"] == Q1  # under the bar: retry it
    assert "Retry this question" in form.group(0)
    started = client.post("/interviews", data=fields, follow_redirects=False)
    assert started.status_code == 303
    iid = started.headers["location"].removeprefix("/interviews/")
    assert service.store.load(iid).state.plan.question_ids == (Q1,)


@pytest.mark.both_backends
def test_retry_from_the_scorecard_and_compare_the_attempts(client: TestClient,
                                                           fake_model: FakeModel) -> None:
    service = client.app.state.service
    first, second, *_ = criteria_of(service, Q1)
    old = answer_one(service, fake_model, Q1, "We dedupe on a client key.",
                     {first: 2, second: 3})
    card = client.get(f"/interviews/{old}/scorecard").text
    assert "Retry this question" in card and "Compare your" not in card
    retried = client.post(f"/interviews/{old}/retry", follow_redirects=False,
                          data={"csrf_token": _token(card), "question_id": Q1})
    assert retried.status_code == 303
    new = retried.headers["location"].removeprefix("/interviews/")
    assert new != old
    record = service.store.load(new)
    assert record.state.plan.question_ids == (Q1,) and record.model == "fake"
    assert Q1 in service.practised()  # done before, and retried all the same
    client.get(f"/interviews/{new}")  # asks the question
    page = client.get(f"/interviews/{new}").text
    fake_model.enqueue({first: 4, second: 2}, {first: 4, second: 2})
    client.post(f"/interviews/{new}/answers", data={"csrf_token": _token(page),
                                                    "text": "Keys live for a day, then expire."})
    client.post(f"/interviews/{new}/finish", data={"csrf_token": _token(page), "confirm": "1"})
    assert "Compare your 2 attempts" in client.get(f"/interviews/{new}/scorecard").text

    page = client.get(f"/progress/questions/{Q1}")
    assert page.status_code == 200
    html = page.text
    up = re.search(rf'<li class="panel compare-criterion move-up" id="criterion-{first}">.*?</li>',
                   html, re.S)
    down = re.search(rf'<li class="panel compare-criterion move-down" id="criterion-{second}">'
                     r'.*?</li>', html, re.S)
    assert up and "▲ up 2" in up.group(0) and down and "▼ down 1" in down.group(0)
    # the quotes that moved: each attempt's evidence, credited there and not in the other
    lost, gained = re.search(r'quotes-lost">(.*?)</div>.*?quotes-gained">(.*?)</div>',
                             up.group(0), re.S).groups()
    assert "We dedupe on a client key." in lost and "Keys live for a day" in gained
    assert "Keys live for a day" not in lost and "We dedupe" not in gained


def test_compare_with_one_attempt_invites_a_retry(client: TestClient,
                                                  fake_model: FakeModel) -> None:
    service = client.app.state.service
    answer_one(service, fake_model, Q1, "One go only.")
    page = client.get(f"/progress/questions/{Q1}").text
    assert "One attempt so far" in page and 'id="retry"' in page


def test_compare_names_attempts_by_id_and_refuses_unknown_ones(client: TestClient,
                                                               fake_model: FakeModel) -> None:
    service = client.app.state.service
    first = criteria_of(service, Q1)[0]
    ids = [answer_one(service, fake_model, Q1, f"Attempt {n}.", {first: n}) for n in (1, 2, 4)]
    chosen = client.get(f"/progress/questions/{Q1}?before={ids[0]}&after={ids[2]}").text
    assert "Attempt 1 and attempt 3" in chosen and "▲ up 3" in chosen
    latest = client.get(f"/progress/questions/{Q1}").text
    assert "Attempt 2 and attempt 3" in latest and "▲ up 2" in latest
    assert client.get(f"/progress/questions/{Q1}?before=nope").status_code == 404
    assert client.get(f"/progress/questions/{Q2}").status_code == 404  # never attempted
    assert client.get("/progress/questions/no-such-question").status_code == 404


def test_retry_refuses_a_question_outside_the_interview(client: TestClient,
                                                        fake_model: FakeModel) -> None:
    service = client.app.state.service
    iid = answer_one(service, fake_model, Q1, "An answer.")
    token = _token(client.get("/progress").text)
    response = client.post(f"/interviews/{iid}/retry", data={"csrf_token": token,
                                                             "question_id": Q2})
    assert response.status_code == 404
    forged = client.post(f"/interviews/{iid}/retry", data={"csrf_token": "x" * 40,
                                                           "question_id": Q1})
    assert forged.status_code == 403


@pytest.fixture
def two(settings: Settings, fake_model: FakeModel) -> Iterator[tuple[FastAPI, TestClient,
                                                                      TestClient]]:
    accounts = settings.model_copy(update={"auth": "accounts"})
    app = create_app(accounts, make_service(accounts, default_library(), fake_model))
    with TestClient(app) as alice, TestClient(app) as bob:
        sign_up(alice, "alice")
        sign_up(bob, "bob")
        yield app, alice, bob


def _owner(client: TestClient) -> str:
    """The owner id behind a signed-in client: the owner of an interview it starts."""
    location = post_form(client, "/", "/interviews", model="fake", mode="single",
                         question_id=Q2).headers["location"]
    iid = location.removeprefix("/interviews/")
    service = client.app.state.service
    owner = service.store.load(iid).owner
    service.delete(iid, owner)
    return owner


@pytest.mark.both_backends
def test_another_owner_sees_none_of_it(two, fake_model: FakeModel) -> None:
    app, alice, bob = two
    service = app.state.service
    client_owner, bob_owner = _owner(alice), _owner(bob)
    first = criteria_of(service, Q1)[0]
    a1 = answer_one(service, fake_model, Q1, "Alice's first go.", {first: 1}, client_owner)
    answer_one(service, fake_model, Q1, "Alice's second go.", {first: 3}, client_owner)
    assert "<svg class=\"chart\"" in alice.get("/progress").text
    assert alice.get(f"/progress/questions/{Q1}").status_code == 200
    mine = bob.get("/progress").text
    assert "No progress to show yet" in mine and "Alice" not in mine
    assert bob.get(f"/progress/questions/{Q1}").status_code == 404
    assert bob.get(f"/progress/questions/{Q1}?after={a1}").status_code == 404
    token = _token(bob.get("/").text)
    retry = bob.post(f"/interviews/{a1}/retry", data={"csrf_token": token, "question_id": Q1})
    assert retry.status_code == 404
    assert service.store.count_owned(bob_owner) == 0  # Bob's retry started nothing


def test_compare_and_retry_take_any_text_without_an_error_page(
        client: TestClient, fake_model: FakeModel) -> None:
    """Whatever arrives in the address or the form, the answer is the page, a 404 or a 303 to
    the caller's own new interview: never a server error, never someone else's data."""
    service = client.app.state.service
    iid = answer_one(service, fake_model, Q1, "A first attempt.")
    token = _token(client.get("/progress").text)
    text = st.text(max_size=60)
    # a retry counts against the client's 30 model requests a minute; dozens of examples in
    # a few seconds would meet that limit, which test_security checks on its own
    client.app.state.rate_limiter.per_minute = 10_000

    @hypothesis.settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(question=st.one_of(st.just(Q1), text), before=st.one_of(st.just(iid), text),
           after=st.one_of(st.just(iid), text), asked=st.one_of(st.just(Q1), text))
    def check(question: str, before: str, after: str, asked: str) -> None:
        page = client.get(f"/progress/questions/{quote(question, safe='')}",
                          params={"before": before, "after": after})
        mine = question == Q1 and before in ("", iid) and after in ("", iid)
        assert page.status_code == (200 if mine else 404), (question, before, after)
        retried = client.post(f"/interviews/{iid}/retry", follow_redirects=False,
                              data={"csrf_token": token, "question_id": asked})
        assert retried.status_code == (303 if asked == Q1 else 404)

    check()


def test_a_shared_scorecard_offers_no_retry_or_compare(client: TestClient,
                                                       fake_model: FakeModel) -> None:
    """Retry and compare are the candidate's own; whoever holds a share link reads only."""
    service = client.app.state.service
    answer_one(service, fake_model, Q1, "First go.")
    iid = answer_one(service, fake_model, Q1, "Second go.")
    own = client.get(f"/interviews/{iid}/scorecard").text
    assert "Retry this question" in own and "Compare your 2 attempts" in own
    made = post_form(client, f"/interviews/{iid}/scorecard", f"/interviews/{iid}/shares")
    link = re.search(r'id="new-share-url" class="share-url" value="http://testserver([^"]+)"',
                     made.text)
    assert link is not None
    shared = client.get(link.group(1)).text
    assert "Second go." in shared  # the scorecard itself
    assert "Retry this question" not in shared and "/retry" not in shared
    assert "Compare your" not in shared and "/progress/questions/" not in shared
