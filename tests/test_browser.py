"""A whole interview driven in a real headless Chromium, offline model and grader."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.settings import Settings
from interviewer.web.app import create_app
from tests.chromium import FLAGS, require_chromium
from tests.live import serve

ANSWERS = [
    "I would start by asking who the developers are and what they need to ship. "
    "Then I would pick a design because it keeps existing integrations working, "
    "and I would measure adoption by the number of teams that call it each week.",
    "The main trade-off is flexibility against simplicity: more options help power users "
    "but slow everyone else down, so I would ship the simple path first and revisit.",
    "I would track error rate and latency per customer, alert on what developers feel, "
    "and publish a status page so they are not surprised.",
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=require_chromium(), args=FLAGS)
        yield b
        b.close()


def _watched_page(browser, errors: list[str]):
    """A new page whose console errors and uncaught script errors land in `errors`."""
    page = browser.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _wait_for_next_turn(page, polls: int = 240) -> None:
    """Until the scorecard or the close shows, or the next turn has streamed in whole with its
    answer box: the page first says it is grading, reloads once graded, then streams it."""
    from playwright.sync_api import Error

    for _ in range(polls):
        if page.url.endswith("/scorecard"):
            return
        try:
            if page.query_selector("#complete-heading") is not None:
                return  # the interview is over: its close and the candidate's questions
            box = page.query_selector("#current-question-text")
            if box is not None and page.query_selector("#answer") is not None:
                text = box.text_content().strip()
                if box.get_attribute("aria-busy") != "true" and len(text) > 20 \
                        and not text.startswith("Grading your answer"):
                    return
        except Error:  # the page navigated while we looked (graded: it reloads itself)
            pass
        page.wait_for_timeout(250)
    raise AssertionError(f"the next turn never arrived: {page.url}")


def test_whole_interview_in_chromium(browser, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "browser.db"))
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        page = _watched_page(browser, errors)
        urls: list[str] = []
        page.on("request", lambda r: urls.append(r.url))
        page.on("response",
                lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(base + "/")
        page.click("label[for=mode-area]")
        page.select_option("select[name=area]", "api-products")
        page.fill("input[name=questions]", "2")
        page.click("button:has-text('Start interview')")
        page.wait_for_selector("#current-question-text")
        assert "Question 1 of 2" in page.inner_text("main")
        assert page.inner_text("#timer").strip()
        for answer in ANSWERS:
            if page.query_selector("#answer") is None:
                break
            _answer(page, answer)
        # follow-ups and later questions were streamed in from server-sent events
        assert any(u.endswith("/stream") for u in urls), urls
        if page.query_selector("#finish"):
            page.click("#finish")
            if page.query_selector("#confirm-finish"):
                page.click("#confirm-finish")
        else:
            page.click("text=See your scorecard")
        page.wait_for_url("**/scorecard")
        text = page.inner_text("main")
        assert "offline grader" in text
        assert ANSWERS[0].split(". ")[0] in text  # the candidate's own words quoted as evidence
        assert "strong answer" in text.lower()
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "scorecard-phone.png"), full_page=True)
    assert not errors, errors


def test_api_docs_render_offline_under_the_csp(browser, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "docs.db"))
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        page = _watched_page(browser, errors)
        page.goto(base + "/docs")
        page.wait_for_selector(".opblock")
        paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/interviews/{interview_id}/scorecard" in [p.replace("\u200b", "") for p in paths]
    assert not errors, errors


def _sign_up(page, base: str, username: str) -> None:
    page.goto(base + "/signup")
    page.fill("#username", username)
    page.fill("#password", "correct horse battery")
    page.click("#signup-submit")
    page.wait_for_url("**/account")


def _start_one_question(page, base: str) -> str:
    page.goto(base + "/")
    page.click("label[for=mode-single]")
    page.click("button[type=submit]")
    page.wait_for_selector("#current-question-text")
    return page.url.split("?")[0]


def test_two_candidates_in_two_browsers_see_only_their_own(browser, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "two.db"),
                        INTERVIEWER_AUTH="accounts")
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        alice = browser.new_context()
        bob = browser.new_context()
        a = alice.new_page()
        a.on("pageerror", lambda e: errors.append(str(e)))
        _sign_up(a, base, "alice")
        alices = _start_one_question(a, base)
        a.fill("#answer", ANSWERS[0])
        a.click("#submit-answer")
        a.wait_for_load_state("networkidle")
        iid = alices.rsplit("/", 1)[1]

        b = bob.new_page()
        bobs = _start_one_question(b, base)  # practised anonymously first
        b.goto(base + "/signup")
        assert b.is_checked("#keep")  # offered: keep the interview practised in this browser
        b.fill("#username", "bob")
        b.fill("#password", "correct horse battery")
        b.click("#signup-submit")
        b.wait_for_url("**/account")
        b.goto(base + "/history")
        history = b.inner_html("main")
        assert bobs.rsplit("/", 1)[1] in history and iid not in history

        assert b.goto(alices).status == 404
        assert "We couldn’t find that page" in b.inner_text("main")
        assert b.goto(alices + "/scorecard").status == 404
        b.goto(base + "/")
        token = b.get_attribute("input[name=csrf_token]", "value")
        attempts = {
            "stream": b.request.get(alices + "/stream"),
            "answer": b.request.post(alices + "/answers",
                                     form={"csrf_token": token, "text": "Not my interview."}),
            "finish": b.request.post(alices + "/finish", form={"csrf_token": token}),
            "api": b.request.get(f"{base}/api/interviews/{iid}"),
            "api-finish": b.request.post(f"{base}/api/interviews/{iid}/finish"),
        }
        assert {k: r.status for k, r in attempts.items()} == dict.fromkeys(attempts, 404)
        assert iid not in b.request.get(base + "/account/export").text()

        a.goto(base + "/history")
        assert iid in a.inner_html("main") and bobs.rsplit("/", 1)[1] not in a.inner_html("main")
        a.goto(alices)
        assert ANSWERS[0][:40] in a.inner_text("main")  # untouched by Bob's attempts
        alice.close()
        bob.close()


def test_clarifying_question_then_answer_in_chromium(browser, tmp_path: Path) -> None:
    """A candidate asks about the scenario, reads the fact, and still answers the question."""
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "clarify.db"))
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        page = _watched_page(browser, errors)
        page.goto(base + "/")
        page.click("label[for=mode-single]")
        page.select_option("select[name=question_id]", "api-payments-create-idempotency")
        page.click("button:has-text('Start interview')")
        page.wait_for_selector("#current-question-text")
        _wait_for_next_turn(page)  # streamed in: the whole turn before reading it
        question = page.inner_text("#current-question-text")
        page.fill("#clarify", "Who sends the capture call today?")
        page.click("#ask-clarification")
        page.wait_for_selector(".turn-interviewer >> text=Scenario fact")
        transcript = page.inner_text(".transcript")
        assert "Who sends the capture call today?" in transcript
        assert "mobile app sends the capture call itself" in transcript
        assert question[:60] not in transcript  # the open question is shown once, below
        # the same question is still open, shown once, and the answer goes to it
        assert page.inner_text("#current-question-text") == question
        assert "Question 1 of 1" in page.inner_text("#current-heading")
        page.fill("#answer", ANSWERS[0])
        page.click("#submit-answer")
        page.wait_for_load_state("networkidle")
        if page.query_selector("#finish"):
            page.click("#finish")
            if page.query_selector("#confirm-finish"):
                page.click("#confirm-finish")
        else:
            page.click("text=See your scorecard")
        page.wait_for_url("**/scorecard")
        assert ANSWERS[0].split(". ")[0] in page.inner_text("main")
    assert not errors, errors


def _answer(page, text: str) -> None:
    """Submit an answer and wait, through "Grading your answer…", for the next question to
    be streamed in whole or for the interview to be complete."""
    page.fill("#answer", text)
    page.click("#submit-answer")
    _wait_for_next_turn(page)


def test_a_loop_that_opens_listens_and_closes(browser, tmp_path: Path) -> None:
    """The interviewer introduces itself, quotes each answer back, and closes by taking the
    candidate's questions; the answer box has the focus whenever a question is up."""
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "loop.db"))
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        page = _watched_page(browser, errors)
        page.goto(base + "/")
        assert not page.is_visible("#question_id")  # a full mock has no question picker
        page.click("label[for=mode-single]")
        assert page.is_visible("#question_id") and not page.is_visible("#questions")
        page.click("label[for=mode-topic]")
        page.select_option("select[name=topic]", "rate-limiting")
        page.fill("input[name=questions]", "2")
        page.click("button:has-text('Start interview')")
        page.wait_for_selector("#current-question-text")
        _wait_for_next_turn(page)
        opening = page.inner_text("#current-question-text")
        assert "two questions" in opening and "minutes" in opening
        assert page.evaluate("document.activeElement.id") == "answer"
        timer = page.inner_text("#timer")
        assert "left of" in timer, timer  # a countdown to the target, from first sight
        page.focus(".skip-link")
        page.keyboard.press("Enter")  # "Skip to content" lands on the question
        assert page.evaluate("document.activeElement.id") == "question"
        assert "Building on what you said" not in page.inner_text("main")
        _answer(page, "First I would talk to the developers. They get a 429 error "
                      "with no Retry-After header, so clients hammer us.")
        said = page.inner_text("#current-question-text")
        assert "“They get a 429 error with no Retry-After header”" in said or \
            "“First I would talk to the developers”" in said, said
        assert "Building on what you said" not in said
        assert page.evaluate("document.activeElement.id") == "answer"
        for _ in range(8):
            if page.query_selector("#answer") is None:
                break
            _answer(page, "I would cap each tenant at 500 requests per second and "
                          "publish the limits in the docs.")
        assert page.query_selector("#answer") is None
        text = page.inner_text("main")
        assert "Do you have any questions for me?" in text  # the close
        assert "“I would cap each tenant at 500 requests per second”" in text or \
            "“cap each tenant at 500 requests per second”" in text  # quoted back
        page.fill("#ask", "What does a platform PM do in a typical week?")
        page.click("button:has-text('Ask')")
        assert "support threads" in page.inner_text("#close-answer")
        assert not errors, errors


def test_finishing_early_asks_for_confirmation(browser, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "confirm.db"))
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        page = _watched_page(browser, errors)
        page.goto(base + "/")
        page.click("label[for=mode-area]")
        page.select_option("select[name=area]", "identity-auth")
        page.fill("input[name=questions]", "3")
        page.click("button:has-text('Start interview')")
        page.wait_for_selector("#finish")
        page.click("#finish")
        assert "3 questions are still unanswered" in page.inner_text("main")
        page.click("#keep-going")
        page.wait_for_selector("#answer")
        assert "Question 1 of 3" in page.inner_text("main")
        page.click("#finish")
        page.click("#confirm-finish")
        page.wait_for_url("**/scorecard")
        assert "3 questions were left unanswered" in page.inner_text("main")
        assert not errors, errors
