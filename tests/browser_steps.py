"""What the browser tests do to a page again and again, written once: serve the app, open a
page that records script errors, start an interview, answer, wait for the streamed next turn,
and finish. The `browser` fixture itself lives in conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.service import Interviews
from interviewer.settings import Settings
from interviewer.web.app import create_app
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


def offline_settings(tmp_path: Path, db_name: str, **env: str) -> Settings:
    """The app's settings for one test: its own SQLite file, no .env, the offline model."""
    return Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / db_name), **env)


@dataclass
class Site:
    """A served app, one watched page on it, and the script errors seen so far."""

    base: str
    page: Any
    errors: list[str] = field(default_factory=list)


@contextmanager
def live_site(browser: Any, settings: Settings, service: Interviews | None = None
              ) -> Iterator[Site]:
    """Serve the app on a loopback port with a watched page open on it, until the block
    ends. The caller asserts `site.errors` is empty where its test is done."""
    with serve(create_app(settings, service)) as base:
        errors: list[str] = []
        yield Site(base, watched_page(browser, errors), errors)


def watched_page(browser: Any, errors: list[str]) -> Any:
    """A new page whose console errors and uncaught script errors land in `errors`."""
    page = browser.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def start_interview(page: Any, base: str, mode: str, *, area: str | None = None,
                    topic: str | None = None, question: str | None = None,
                    questions: int | None = None) -> None:
    """Start an interview from the home page's form and wait for its first question."""
    page.goto(base + "/")
    page.click(f"label[for=mode-{mode}]")
    for name, value in (("area", area), ("topic", topic), ("question_id", question)):
        if value is not None:
            page.select_option(f"select[name={name}]", value)
    if questions is not None:
        page.fill("input[name=questions]", str(questions))
    page.click("button:has-text('Start interview')")
    page.wait_for_selector("#current-question-text")


def wait_for_next_turn(page: Any, polls: int = 240) -> None:
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


def answer_and_wait(page: Any, text: str) -> None:
    """Submit an answer and wait, through "Grading your answer…", for the next question to
    be streamed in whole or for the interview to be complete."""
    page.fill("#answer", text)
    page.click("#submit-answer")
    wait_for_next_turn(page)


def finish(page: Any) -> None:
    """Finish from wherever the interview is, confirming if a question is left, or go on
    from its close; then wait for the scorecard."""
    if page.query_selector("#finish"):
        page.click("#finish")
        if page.query_selector("#confirm-finish"):
            page.click("#confirm-finish")
    else:
        page.click("text=See your scorecard")
    page.wait_for_url("**/scorecard")
