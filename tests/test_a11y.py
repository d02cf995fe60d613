"""Issue 12's accessibility bar: axe-core finds no serious or critical violation on any page,
at desktop and phone widths, in light and dark mode, in a real Chromium.

`PAGES` names every HTML page the app serves; `test_every_html_page_is_swept` fails when a new
GET route appears that is neither swept nor listed in `NOT_PAGES`, so a new page cannot be
forgotten."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from interviewer.settings import Settings
from interviewer.storage import LOCAL_OWNER
from interviewer.web.app import create_app
from tests.axe import axe_violations, blocking, describe, sweep
from tests.browser_steps import ANSWERS, answer_and_wait, wait_for_next_turn
from tests.live import serve

# Every GET page route, and the states of it that the sweep below checks by name.
PAGES = {
    "/": ("home", "home with an error"),
    "/interviews/{interview_id}": ("interview in progress", "finish confirmation",
                                   "interview finished"),
    "/interviews/{interview_id}/scorecard": ("scorecard", "scorecard with a share link"),
    "/history": ("history",),
    "/progress": ("progress, nothing practised yet", "progress"),
    "/progress/questions/{question_id}": ("compare attempts",),
    "/shared/{token}": ("shared scorecard",),
    "/calibration": ("calibration", "calibration, every heat level"),
    "/docs": ("docs", "docs, an operation open"),
    "/signup": ("sign-up",),
    "/signin": ("sign-in",),
    "/account": ("account",),
}
ERROR_PAGES = ("404",)  # served for any unknown path
# GET routes that are not HTML pages, and why.
NOT_PAGES = {
    "/interviews/{interview_id}/stream": "server-sent events",
    "/account/export": "a JSON download",
    "/interviews/{interview_id}/export.md": "a Markdown download",
    "/interviews/{interview_id}/export.json": "a JSON download",
    "/interviews/{interview_id}/export.pdf": "a PDF download",
    "/favicon.ico": "an image",
    "/openapi.json": "the OpenAPI document",
}


def _routes(routes: list) -> list:
    """The app's routes, flattened through included routers (FastAPI keeps those nested)."""
    flat = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        flat += _routes(inner.routes) if inner is not None else [route]
    return flat


def _get_routes(db: Path) -> set[str]:
    """Every GET path outside the JSON API."""
    app = create_app(Settings(_env_file=None, INTERVIEWER_DB=str(db)))
    return {r.path for r in _routes(app.routes)
            if "GET" in (getattr(r, "methods", None) or ()) and not r.path.startswith("/api/")}


def test_every_html_page_is_swept(tmp_path: Path) -> None:
    assert _get_routes(tmp_path / "routes.db") == set(PAGES) | set(NOT_PAGES)


def test_axe_reports_what_it_should(browser, tmp_path: Path) -> None:
    """The check is not vacuous: a page with an unlabelled button and an image without alt
    text fails it at serious or critical impact."""
    page = browser.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png">'
                     '<button></button></main></html>')
    found = {v["id"] for v in blocking(axe_violations(page))}
    assert {"image-alt", "button-name"} <= found, found


CALIBRATION_SET = [
    {"id": f"a{i}", "area": "api-products", "topic": "rate-limiting",
     "question": "How would you rate-limit a public API used by thousands of developers?",
     "answer": answer, "kind": kind, "label": {"overall": label,
                                               "criteria": {"limit-design": label}}}
    for i, (answer, label, kind) in enumerate([
        ("I would give every API key a token bucket refilled at its plan's rate, because it "
         "allows bursts while stopping one customer from starving the rest. Callers over the "
         "limit get a 429 with a Retry-After header.", 4, "honest"),
        ("We would add some limits to the API.", 1, "honest"),
        ("Token bucket, 429, Retry-After, quotas, tiers.", 1, "keyword-list")])]


def _save_calibration(app, tmp_path: Path) -> None:
    """A real (small) calibration run of the offline grader, so the page shows its tables."""
    from interviewer import calibration

    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in CALIBRATION_SET) + "\n")
    service = app.state.service
    run = calibration.run_calibration(service.models("offline"), calibration.load_set(path))
    with ThreadPoolExecutor(1) as pool:  # Playwright's loop already runs in this thread
        report = pool.submit(asyncio.run, run).result()
    service.store.save_calibration(report.model, str(path), report.model_dump_json(),
                                   LOCAL_OWNER)


def _answer_all(page) -> None:
    """Answer every question and follow-up until the interview closes."""
    for _ in range(12):
        if page.query_selector("#answer") is None:
            break
        answer_and_wait(page, ANSWERS[0])
    page.wait_for_selector("#complete-heading")


def _every_heat_level(page) -> dict[str, list]:
    """The confusion matrix's cells take a colour by their share of a row, which depends on
    the data; here its first six cells are given each of the six colours in turn, with two
    digits (axe skips a single character as too short to judge), so every colour is checked
    for contrast in both schemes."""
    page.evaluate("""() => document.querySelectorAll('.confusion tbody td').forEach(
        (cell, i) => { if (i < 6) { cell.className = 'heat-' + i; cell.textContent = 12 + i; }
        })""")
    assert all(page.locator(f".confusion td.heat-{level}").count() for level in range(6))
    return sweep(page)


def _shared_pages(page, found: dict[str, list]) -> None:
    """From a scorecard: the scorecard with a live share link, and the read-only page the
    link opens."""
    card = page.url
    page.click("#create-share")
    page.wait_for_selector("#new-share-url")
    found["scorecard with a share link"] = sweep(page)
    page.goto(page.input_value("#new-share-url"))
    found["shared scorecard"] = sweep(page)
    page.goto(card)


def _local_pages(page, base: str) -> dict[str, list]:
    """Every page a candidate sees on a local server, swept as it is reached."""
    page.set_default_timeout(90_000)  # a CI machine busy with other suites grades slowly
    found = {}
    page.goto(base + "/progress")
    found["progress, nothing practised yet"] = sweep(page)
    page.goto(base + "/")
    found["home"] = sweep(page)
    page.click("label[for=mode-single]")
    page.click("button:has-text('Start interview')")  # no question picked: an error
    page.wait_for_selector("#question_id")
    found["home with an error"] = sweep(page)
    page.click("label[for=mode-area]")  # two questions: the scorecard repeats its sections
    page.select_option("select[name=area]", "api-products")
    page.fill("input[name=questions]", "2")
    page.click("button:has-text('Start interview')")
    page.wait_for_selector("#current-question-text")
    wait_for_next_turn(page)
    found["interview in progress"] = sweep(page)
    page.click("#finish")
    page.wait_for_selector("#keep-going")
    found["finish confirmation"] = sweep(page)
    page.click("#keep-going")
    page.wait_for_selector("#answer")
    _answer_all(page)
    found["interview finished"] = sweep(page)
    page.goto(page.url.split("?")[0] + "/scorecard")
    found["scorecard"] = sweep(page)
    _shared_pages(page, found)
    page.click(".retry-question >> nth=0")  # a second attempt, to compare with the first
    page.wait_for_selector("#current-question-text")
    wait_for_next_turn(page)
    _answer_all(page)
    page.goto(page.url.split("?")[0] + "/scorecard")
    page.click(".compare-attempts")
    page.wait_for_url("**/progress/questions/**")
    found["compare attempts"] = sweep(page)
    for name, path in [("history", "/history"), ("progress", "/progress"),
                       ("calibration", "/calibration"),
                       ("404", "/no-such-page"), ("docs", "/docs")]:
        page.goto(base + path)
        if name == "docs":
            page.wait_for_selector(".opblock")
        found[name] = sweep(page)
        if name == "calibration":
            found["calibration, every heat level"] = _every_heat_level(page)
    page.click(".opblock-summary-control >> nth=0")  # an operation open, ready to try out
    page.click("button.try-out__btn")
    page.wait_for_selector("button.execute")
    found["docs, an operation open"] = sweep(page)
    return found


def _account_pages(page, base: str) -> dict[str, list]:
    found = {}
    page.goto(base + "/signup")
    found["sign-up"] = sweep(page)
    page.goto(base + "/signin")
    found["sign-in"] = sweep(page)
    page.goto(base + "/signup")
    page.fill("#username", "ada")
    page.fill("#password", "correct horse battery")
    page.click("#signup-submit")
    page.wait_for_url("**/account")
    found["account"] = sweep(page)
    return found


def _failures(found: dict[str, dict[str, list]]) -> list[str]:
    return [f"{name} at {where}:\n{describe(blocking(violations))}"
            for name, by_setting in found.items() for where, violations in by_setting.items()
            if blocking(violations)]


def test_no_serious_or_critical_violation_on_any_page(browser, tmp_path: Path) -> None:
    local = create_app(Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "local.db")))
    _save_calibration(local, tmp_path)
    with serve(local) as base:
        found = _local_pages(browser.new_page(), base)
    accounts = create_app(Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "acc.db"),
                                   INTERVIEWER_AUTH="accounts"))
    with serve(accounts) as base:
        found |= _account_pages(browser.new_page(), base)
    assert set(found) == {state for states in PAGES.values() for state in states} | set(
        ERROR_PAGES)
    failures = _failures(found)
    assert not failures, "\n\n".join(failures)
