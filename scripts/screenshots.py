"""Take the README's screenshots: the interview, the scorecard and the Progress page.

Serves the app on an ephemeral loopback port over a temporary database with the offline model,
drives Chromium through short interviews with fixed answers, and writes optimised PNGs, 1280
pixels wide, to docs/screenshots/. Run it from the repository root after changing a page:

    .venv/bin/pip install -e '.[test,screenshots]'
    .venv/bin/python scripts/screenshots.py

It needs Chromium (`apt-get install chromium`, or set CHROMIUM) and makes no network calls.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
MAX_HEIGHT = 1100  # a long page is cut here: the README shows its top, not a scroll of it
QUESTION = "api-payments-create-idempotency"  # the same question every run, so shots compare
ANSWERS = [
    "First I would ask which merchants retry and why: they get a timeout, send the charge "
    "again, and the customer is billed twice. I would require an Idempotency-Key header on "
    "every create call and store the first response for 24 hours, because a retry must "
    "return the same charge rather than make a new one.",
    "The trade-off is storage and latency against safety: keeping keys costs a lookup on "
    "every call, so I would scope keys per merchant and expire them after a day. I would "
    "measure duplicate charges per thousand payments and the share of retries that hit a key.",
    "I would roll it out as optional first, publish the header in the SDKs, then make it "
    "required for new integrations after one quarter, with a clear 400 error that names it.",
]

# An earlier, thinner attempt at the same question, so the Progress page has a trend to show.
EARLIER = ["I would add an idempotency key so retries do not charge twice.",
           "We would store the keys somewhere and expire them later.",
           "Roll it out to everyone and tell them in the changelog."]


@dataclass(frozen=True)
class Shot:
    """One PNG: the file under docs/screenshots/ and what the README says it shows."""

    file: str
    caption: str


INTERVIEW = Shot("interview.png", "An interview in progress: the interviewer quotes the "
                                  "answer back and asks a follow-up")
SCORECARD = Shot("scorecard.png", "The scorecard: a score per criterion, with the candidate's "
                                  "own words as evidence")
PROGRESS = Shot("progress.png", "Progress over several interviews")
SHOTS = (INTERVIEW, SCORECARD, PROGRESS)


def progress_path(has_progress_page: bool) -> str:
    """The Progress page once the app has one, else History, its predecessor."""
    return "/progress" if has_progress_page else "/history"


def find_chromium() -> str:
    """`$CHROMIUM`, or the first Chromium on PATH or at Debian's path."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("Chromium is not installed: apt-get install chromium, or set CHROMIUM")


@contextmanager
def serve(app: object) -> Iterator[str]:
    """The app on an ephemeral loopback port until the block ends; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _next_turn(page, polls: int = 400) -> None:
    """Wait until the next question has streamed in whole, or the interview is over."""
    for _ in range(polls):
        try:
            if page.query_selector("#complete-heading") or page.url.endswith("/scorecard"):
                return
            box = page.query_selector("#current-question-text")
            if box and page.query_selector("#answer") and box.get_attribute("aria-busy") != \
                    "true" and not box.text_content().strip().startswith("Grading"):
                return
        except Exception:  # noqa: BLE001 - the page reloaded while we looked
            pass
        page.wait_for_timeout(250)
    raise RuntimeError(f"the next turn never arrived at {page.url}")


def _interview(page, base: str, answers: list[str], shoot: bool) -> str:
    """One interview on QUESTION, answered in full; returns its address."""
    page.goto(base + "/")
    page.click("label[for=mode-single]")
    page.select_option("#question_id", QUESTION)
    page.click("button:has-text('Start interview')")
    page.wait_for_selector("#current-question-text")
    _next_turn(page)
    address = page.url.split("?")[0]
    for number, answer in enumerate(answers):
        if page.query_selector("#answer") is None:
            break
        page.fill("#answer", answer)
        page.click("#submit-answer")
        _next_turn(page)
        if shoot and number == 0:
            page.evaluate("window.scrollTo(0, 0)")
            save(page, INTERVIEW)
    return address


def save(page, shot: Shot) -> Path:
    """The page's top, at most MAX_HEIGHT tall, as an optimised PNG."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    path = OUT / shot.file
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
    optimise(path)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return path


def optimise(path: Path) -> None:
    """Quantise to a 256-colour palette (text and flat colours survive it) and recompress."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from interviewer.settings import Settings
    from interviewer.web.app import create_app

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(_env_file=None, INTERVIEWER_DB=str(Path(tmp) / "shots.db"),
                                  INTERVIEWER_MODEL="offline", INTERVIEWER_AUTH="local"))
        with serve(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(),
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport=VIEWPORT, color_scheme="light")
            _interview(page, base, EARLIER, shoot=False)
            address = _interview(page, base, ANSWERS, shoot=True)
            page.goto(address + "/scorecard")
            save(page, SCORECARD)
            has_progress = page.request.get(base + "/progress").status == 200
            page.goto(base + progress_path(has_progress))
            save(page, PROGRESS)
            browser.close()


if __name__ == "__main__":
    main()
