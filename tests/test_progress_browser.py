"""Coaching over weeks in a real headless Chromium: a retry and its comparison (offline
grader), and the Progress page after several interviews with its charts drawn."""

from __future__ import annotations

from pathlib import Path

from interviewer.library import default_library
from interviewer.web.app import create_app
from tests import browser_steps as steps
from tests.conftest import make_service
from tests.fakes import FakeModel
from tests.live import serve
from tests.progress_seed import answer_one, backdate, criteria_of

Q1, Q2 = "api-payments-create-idempotency", "api-webhook-delivery-redesign"
WEAK = "I would add an endpoint to create payments and return the result."
STRONG = ("First I would ask who the merchants are and what they need. I assume requests time "
          "out on 3G and get retried, so the create call takes an idempotency key and a retry "
          "with the same key returns the first result instead of charging twice. The trade-off "
          "is storing keys for a day, which costs storage but protects merchants from double "
          "charges. I would measure duplicate charges per thousand payments.")


def test_retry_a_question_and_compare_the_attempts(browser, tmp_path: Path) -> None:
    with steps.live_site(browser, steps.offline_settings(tmp_path, "retry.db")) as site:
        page = site.page
        steps.start_interview(page, site.base, "single", question=Q1)
        steps.wait_for_next_turn(page)
        steps.answer_and_wait(page, WEAK)
        steps.finish(page)
        first_card = page.url
        assert page.query_selector(".compare-attempts") is None  # one attempt: nothing yet
        page.click(".retry-question")
        page.wait_for_selector("#current-question-text")
        steps.wait_for_next_turn(page)
        assert page.url.split("?")[0] != first_card.removesuffix("/scorecard")
        assert "create and capture a payment" in page.inner_text("#current-question-text")
        steps.answer_and_wait(page, STRONG)
        steps.finish(page)
        page.click(".compare-attempts")
        page.wait_for_url(f"**/progress/questions/{Q1}")
        assert "Attempt 1 and attempt 2" in page.inner_text("h2#compare-heading")
        assert "up" in page.inner_text("#overall-move")  # the stronger answer scored higher
        moved_up = page.query_selector_all(".compare-criterion.move-up")
        assert moved_up, page.inner_text("main")
        gained = " ".join(q.inner_text() for q in page.query_selector_all(
            ".move-up .quotes-gained blockquote"))
        assert "idempotency key" in gained  # a quote from the retry that earned credit
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "compare-phone.png"), full_page=True)
    assert not site.errors, site.errors


def test_the_progress_page_after_several_interviews(browser, tmp_path: Path) -> None:
    settings = steps.offline_settings(tmp_path, "progress.db")
    fake = FakeModel()
    service = make_service(settings, default_library(), fake)
    weak = criteria_of(service, Q1)[0]
    for days, score in ((9, 1), (6, 2), (3, 2)):
        backdate(service, answer_one(service, fake, Q1, f"Go {days}.", {weak: score}), days)
    # the webhook question is graded on the same criterion, at the fake's default 3
    backdate(service, answer_one(service, fake, Q2, "Webhooks retry with backoff."), 1)
    with steps.live_site(browser, settings, service) as site:
        page = site.page
        page.goto(site.base + "/")
        page.click("nav >> text=Progress")
        page.wait_for_url("**/progress")
        charts = page.query_selector_all("svg.chart")
        assert len(charts) >= 4
        weak_chart = page.query_selector(f"svg[aria-labelledby='criterion-{weak}-title "
                                         f"criterion-{weak}-desc']")
        assert weak_chart is not None
        points = weak_chart.query_selector_all("circle.chart-point")
        assert [p.get_attribute("data-score") for p in points] == ["1.0", "2.0", "2.0", "3.0"]
        assert weak_chart.query_selector("polyline.chart-line") is not None
        heights = [float(p.get_attribute("cy")) for p in points]
        assert heights[0] > heights[1] == heights[2] > heights[3]  # higher scores are drawn higher
        box = weak_chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 80  # drawn, visible
        desc = page.text_content(f"#criterion-{weak}-desc")  # what a screen reader hears
        assert desc.startswith("4 interviews, oldest first.") and desc.endswith(": 3.0.")
        page.screenshot(path=str(tmp_path / "progress.png"), full_page=True)
        page.click("#start-suggested")
        page.wait_for_selector("#current-question-text")
        steps.wait_for_next_turn(page)
        assert "/interviews/" in page.url
    assert not site.errors, site.errors


def test_chart_dates_are_the_readers_local_dates(browser, tmp_path: Path) -> None:
    """Interviews near midnight UTC fall on the next day at UTC+14: the axis shows that day,
    as every other time on the site is shown in the reader's own zone."""
    settings = steps.offline_settings(tmp_path, "dates.db")
    fake = FakeModel()
    service = make_service(settings, default_library(), fake)
    for days in (5, 2):
        iid = answer_one(service, fake, Q1, f"Go {days}.")
        backdate(service, iid, days)
    with serve(create_app(settings, service)) as base:
        context = browser.new_context(timezone_id="Pacific/Kiritimati", locale="en-GB")
        page = context.new_page()
        page.goto(base + "/progress")
        labels = page.query_selector_all("svg.chart text[data-local-date]")
        assert labels
        for label in labels:
            iso = label.get_attribute("data-local-date")
            local = page.evaluate("iso => new Date(iso).toLocaleDateString(undefined, "
                                  "{year: 'numeric', month: 'short', day: 'numeric'})", iso)
            assert label.text_content() == local  # e.g. "27 Nov 2026", not "2026-11-26"
            assert label.text_content() != iso[:10]
        context.close()
