"""Recording for real in Chromium: a fake microphone plays espeak-ng speech, the page records
it with MediaRecorder, the server transcribes it into the answer box, and the scorecard shows
the delivery figures."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import jiwer
import pytest

from interviewer.settings import Settings
from interviewer.web.app import create_app
from tests.chromium import FLAGS, require_chromium
from tests.live import serve
from tests.speech_fixtures import ANSWERS, speak

QUESTION, SPOKEN = ANSWERS[2]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.fixture
def recording_browser(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    wav = speak(SPOKEN, tmp_path / "microphone.wav")
    args = [*FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_chromium(), args=args)
        yield browser, _seconds(wav)
        browser.close()


def _wait_for_transcript(page, polls: int = 240) -> str:
    """The answer box once the transcript lands (polled from Python: the page's CSP forbids
    the eval that wait_for_function needs)."""
    for _ in range(polls):
        value = page.input_value("#answer")
        if len(value) > 40:
            return value
        page.wait_for_timeout(500)
    raise AssertionError(f"no transcript arrived: {page.inner_text('#record-status')}")


def test_record_transcribe_edit_submit_and_see_delivery(recording_browser, tmp_path: Path):
    browser, length = recording_browser
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "speech.db"))
    errors: list[str] = []
    with serve(create_app(settings)) as base:
        context = browser.new_context()
        context.grant_permissions(["microphone"], origin=base)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")
        page.click("label[for=mode-single]")
        page.click("button[type=submit]")
        page.wait_for_selector("#record-start", state="visible")
        page.click("#record-start")
        page.wait_for_selector("#record-stop", state="visible")
        page.wait_for_timeout(int((length + 1.0) * 1000))  # let the fake microphone speak
        assert page.inner_text("#record-time") != "0:00"
        page.click("#record-stop")
        heard = _wait_for_transcript(page)
        assert jiwer.wer(_normal(SPOKEN), _normal(heard)) <= 0.25, heard
        assert "Transcribed by bundled Whisper tiny.en" in page.inner_text("#record-status")
        assert page.input_value("#recording-id")
        assert "Pace" in page.inner_text("#spoken-preview")
        page.fill("#answer", heard + " I would also review the slowest steps every month.")
        page.click("#submit-answer")
        page.wait_for_load_state("networkidle")
        if page.query_selector("#finish"):
            page.click("#finish")
        page.wait_for_url("**/scorecard")
        card = page.inner_text("main")
        assert "Spoken answer" in card and "words a minute" in card
        assert "Talk time" in card and "good: up to" in card
    assert errors == []
