"""A whole interview driven in a real headless Chromium, offline model and grader."""

from __future__ import annotations

from pathlib import Path

from interviewer.web.app import create_app
from tests import browser_steps as steps
from tests.browser_steps import ANSWERS
from tests.live import serve


def test_whole_interview_in_chromium(browser, tmp_path: Path) -> None:
    with steps.live_site(browser, steps.offline_settings(tmp_path, "browser.db")) as site:
        page, errors = site.page, site.errors
        urls: list[str] = []
        page.on("request", lambda r: urls.append(r.url))
        page.on("response",
                lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        steps.start_interview(page, site.base, "area", area="api-products", questions=2)
        assert "Question 1 of 2" in page.inner_text("main")
        assert page.inner_text("#timer").strip()
        for said in ANSWERS:
            if page.query_selector("#answer") is None:
                break
            steps.answer_and_wait(page, said)
        # follow-ups and later questions were streamed in from server-sent events
        assert any(u.endswith("/stream") for u in urls), urls
        steps.finish(page)
        text = page.inner_text("main")
        assert "offline grader" in text
        assert ANSWERS[0].split(". ")[0] in text  # the candidate's own words quoted as evidence
        assert "strong answer" in text.lower()
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "scorecard-phone.png"), full_page=True)
    assert not errors, errors


def test_api_docs_render_offline_under_the_csp(browser, tmp_path: Path) -> None:
    with steps.live_site(browser, steps.offline_settings(tmp_path, "docs.db")) as site:
        site.page.goto(site.base + "/docs")
        site.page.wait_for_selector(".opblock")
        paths = site.page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/interviews/{interview_id}/scorecard" in [p.replace("\u200b", "") for p in paths]
    assert not site.errors, site.errors


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
    settings = steps.offline_settings(tmp_path, "two.db", INTERVIEWER_AUTH="accounts")
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
        b.on("pageerror", lambda e: errors.append(str(e)))
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
    assert not errors, errors  # script errors on either page; once collected, never checked


def test_clarifying_question_then_answer_in_chromium(browser, tmp_path: Path) -> None:
    """A candidate asks about the scenario, reads the fact, and still answers the question."""
    with steps.live_site(browser, steps.offline_settings(tmp_path, "clarify.db")) as site:
        page = site.page
        steps.start_interview(page, site.base, "single",
                              question="api-payments-create-idempotency")
        steps.wait_for_next_turn(page)  # streamed in: the whole turn before reading it
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
        steps.finish(page)
        assert ANSWERS[0].split(". ")[0] in page.inner_text("main")
    assert not site.errors, site.errors


def test_a_loop_that_opens_listens_and_closes(browser, tmp_path: Path) -> None:
    """The interviewer introduces itself, quotes each answer back, and closes by taking the
    candidate's questions; the answer box has the focus whenever a question is up."""
    with steps.live_site(browser, steps.offline_settings(tmp_path, "loop.db")) as site:
        page = site.page
        page.goto(site.base + "/")
        assert not page.is_visible("#question_id")  # a full mock has no question picker
        page.click("label[for=mode-single]")
        assert page.is_visible("#question_id") and not page.is_visible("#questions")
        page.click("label[for=mode-topic]")
        page.select_option("select[name=topic]", "rate-limiting")
        page.fill("input[name=questions]", "2")
        page.click("button:has-text('Start interview')")
        page.wait_for_selector("#current-question-text")
        steps.wait_for_next_turn(page)
        opening = page.inner_text("#current-question-text")
        assert "two questions" in opening and "minutes" in opening
        assert page.evaluate("document.activeElement.id") == "answer"
        timer = page.inner_text("#timer")
        assert "left of" in timer, timer  # a countdown to the target, from first sight
        page.focus(".skip-link")
        page.keyboard.press("Enter")  # "Skip to content" lands on the question
        assert page.evaluate("document.activeElement.id") == "question"
        assert "Building on what you said" not in page.inner_text("main")
        steps.answer_and_wait(page, "First I would talk to the developers. They get a 429 "
                                    "error with no Retry-After header, so clients hammer us.")
        said = page.inner_text("#current-question-text")
        assert "“They get a 429 error with no Retry-After header”" in said or \
            "“First I would talk to the developers”" in said, said
        assert "Building on what you said" not in said
        assert page.evaluate("document.activeElement.id") == "answer"
        for _ in range(8):
            if page.query_selector("#answer") is None:
                break
            steps.answer_and_wait(page, "I would cap each tenant at 500 requests per second "
                                        "and publish the limits in the docs.")
        assert page.query_selector("#answer") is None
        text = page.inner_text("main")
        assert "Do you have any questions for me?" in text  # the close
        assert "“I would cap each tenant at 500 requests per second”" in text or \
            "“cap each tenant at 500 requests per second”" in text  # quoted back
        page.fill("#ask", "What does a platform PM do in a typical week?")
        page.click("button:has-text('Ask')")
        assert "support threads" in page.inner_text("#close-answer")
        assert not site.errors, site.errors


def test_finishing_early_asks_for_confirmation(browser, tmp_path: Path) -> None:
    with steps.live_site(browser, steps.offline_settings(tmp_path, "confirm.db")) as site:
        page = site.page
        steps.start_interview(page, site.base, "area", area="identity-auth", questions=3)
        page.click("#finish")
        assert "3 questions are still unanswered" in page.inner_text("main")
        page.click("#keep-going")
        page.wait_for_selector("#answer")
        assert "Question 1 of 3" in page.inner_text("main")
        page.click("#finish")
        page.click("#confirm-finish")
        page.wait_for_url("**/scorecard")
        assert "3 questions were left unanswered" in page.inner_text("main")
        assert not site.errors, site.errors
