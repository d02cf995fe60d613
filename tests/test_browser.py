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
    """Until the scorecard shows, or the next turn has streamed in whole with its answer box:
    the page first says it is grading, reloads once graded, then streams the turn."""
    from playwright.sync_api import Error

    for _ in range(polls):
        if page.url.endswith("/scorecard"):
            return
        try:
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
        page.click("button[type=submit]")
        page.wait_for_selector("#current-question-text")
        assert "Question 1 of 2" in page.inner_text("main")
        assert page.inner_text("#timer").strip()
        for answer in ANSWERS:
            if page.query_selector("#answer") is None:
                break
            page.fill("#answer", answer)
            page.click("#submit-answer")
            _wait_for_next_turn(page)
        # follow-ups and later questions were streamed in from server-sent events
        assert any(u.endswith("/stream") for u in urls), urls
        if page.query_selector("#finish"):
            page.click("#finish")
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


def test_clarifying_question_then_answer_in_chromium(browser, tmp_path: Path) -> None:
    """A candidate asks about the scenario, reads the fact, and still answers the question."""
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "clarify.db"))
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        page = _watched_page(browser, errors)
        page.goto(base + "/")
        page.click("label[for=mode-single]")
        page.select_option("select[name=question_id]", "api-payments-create-idempotency")
        page.click("button[type=submit]")
        page.wait_for_selector("#current-question-text")
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
        page.wait_for_url("**/scorecard")
        assert ANSWERS[0].split(". ")[0] in page.inner_text("main")
    assert not errors, errors
