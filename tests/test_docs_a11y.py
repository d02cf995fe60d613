"""/docs, the bundled Swagger UI, passes axe-core at every impact, moderate included (the
site-wide bar in test_a11y.py is serious and critical): its heading outline has no gap, and
a request tried out leaves no unnamed button or scroll box out of a keyboard's reach."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from interviewer.settings import Settings
from interviewer.web.app import create_app
from tests.axe import describe, sweep
from tests.live import serve


def _every_violation(found: dict[str, list]) -> str:
    return "\n".join(f"{where}: {describe(violations)}"
                     for where, violations in found.items() if violations)


def test_docs_has_no_axe_violation_of_any_impact(browser, tmp_path: Path) -> None:
    app = create_app(Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "docs.db")))
    with serve(app) as base:
        page = browser.new_page()
        page.goto(base + "/docs")
        page.wait_for_selector(".opblock")
        states = {"loaded": sweep(page)}
        page.click(".opblock-summary-control >> nth=0")
        page.click("button.try-out__btn")
        page.wait_for_selector("button.execute")
        states["an operation open"] = sweep(page)
        page.click("button.execute")
        page.wait_for_selector(".live-responses-table .response-col_status")
        page.wait_for_selector("pre.curl[tabindex]")
        states["a request tried out"] = sweep(page)
        outline = page.evaluate("""() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
            .map(h => Number(h.getAttribute('aria-level') || h.tagName.slice(1)))""")
    failures = {name: text for name, found in states.items() if (text := _every_violation(found))}
    assert not failures, failures
    assert outline[0] == 1 and all(b - a <= 1 for a, b in pairwise(outline)), outline
