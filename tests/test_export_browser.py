"""Keep and share in a real headless Chromium: download the three exports from the
scorecard, then open a share link as someone else and see it die when revoked."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfReader

from tests.browser_steps import answer_and_wait, live_site, offline_settings, start_interview

ANSWER = ("I would key each limit on the sender number, because carriers cap each one, and "
          "return 429 with Retry-After so clients back off instead of hammering us.")
ASK = "What does a platform PM do in a typical week?"


def _download(page, selector: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_exports_download_and_a_share_link_is_revoked(browser, tmp_path: Path) -> None:
    with live_site(browser, offline_settings(tmp_path, "keep.db")) as site:
        page, base, errors = site.page, site.base, site.errors
        start_interview(page, base, "single", question="api-sms-tiered-rate-limits")
        for _ in range(4):
            if page.query_selector("#answer") is None:
                break
            answer_and_wait(page, ANSWER)
        page.fill("#ask", ASK)
        page.click("button:has-text('Ask')")
        assert "support threads" in page.inner_text("#close-answer")
        page.click("text=See your scorecard")
        page.wait_for_url("**/scorecard")
        iid = page.url.rsplit("/", 2)[1]

        md = _download(page, "#export-md", tmp_path).decode("utf-8")
        assert md.startswith("# Scorecard") and ANSWER in md and ASK in md
        doc = json.loads(_download(page, "#export-json", tmp_path))
        assert doc["interview"]["id"] == iid and doc["transcript"][1]["text"] == ANSWER
        assert doc["result"]["grader"] == "offline"
        pdf = PdfReader(io.BytesIO(_download(page, "#export-pdf", tmp_path)))
        text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
        assert "Graded by the offline grader" in text and "sender number" in text
        assert (tmp_path / f"interview-{iid}.pdf").exists()

        page.click("#create-share")
        shared_url = page.input_value("#new-share-url")
        assert shared_url.startswith(base + "/shared/")
        stranger = browser.new_context()  # another person: no cookie of the candidate's
        other = stranger.new_page()
        other.on("pageerror", lambda e: errors.append(str(e)))
        assert other.goto(shared_url).status == 200
        main = other.inner_text("main")
        assert "read-only copy" in main and "sender number" in main and ASK in main
        assert other.query_selector("main form") is None
        assert other.query_selector("#export-md") is None
        assert other.get_attribute("meta[name=robots]", "content") == "noindex, nofollow"

        page.goto(base + f"/interviews/{iid}/scorecard")
        page.click("#share button:has-text('Revoke')")
        page.wait_for_url("**/scorecard#share")
        assert page.query_selector("#share button:has-text('Revoke')") is None
        assert other.goto(shared_url).status == 404
        assert "revoked" in other.inner_text("main")
        stranger.close()
    assert not errors, errors
