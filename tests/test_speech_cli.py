"""`interviewer transcribe` and `interviewer grade --audio`, and the remote engine's fallback."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jiwer
import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.settings import Settings
from interviewer.speech.transcribe import LocalWhisper, Transcriber
from tests.speech_fixtures import ANSWERS, speak

runner = CliRunner()
QUESTION, SPOKEN = ANSWERS[1]


@pytest.fixture(scope="module")
def wav_path(tmp_path_factory: pytest.TempPathFactory):
    return speak(SPOKEN, tmp_path_factory.mktemp("cli") / "answer.wav")


def _words(text: str) -> str:
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def test_transcribe_prints_the_transcript_and_delivery_as_json(wav_path):
    result = runner.invoke(app, ["transcribe", str(wav_path), "--question", QUESTION,
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert jiwer.wer(_words(SPOKEN), _words(data["transcript"])) <= 0.2
    assert data["transcribed_by"] == "bundled Whisper tiny.en, on this machine"
    assert [f["name"] for f in data["delivery"]["figures"]] == [
        "Pace", "Fillers", "Long pauses", "Talk time"]


def test_grade_audio_grades_the_transcript(wav_path):
    result = runner.invoke(app, ["grade", "--area", "api-products", "--topic", "versioning",
                                 "--question", QUESTION, "--audio", str(wav_path),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["delivery"]["words_per_minute"] > 0
    assert data["criteria"] and "six months" in data["transcript"].lower()


def test_a_bad_recording_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_bytes(b"definitely not audio" * 50)
    result = runner.invoke(app, ["transcribe", str(bad)])
    assert result.exit_code == 2
    assert "could not be read as audio" in result.output


class _Server(BaseHTTPRequestHandler):
    status = 200
    seen: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["content-length"])
        body = self.rfile.read(length)
        _Server.seen.append(self.path)
        assert b'name="response_format"' in body and b"verbose_json" in body
        if _Server.status != 200:
            self.send_response(_Server.status)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "no such route"}}')
            return
        reply = {"text": "We cap each tenant.", "duration": 2.0, "language": "english",
                 "words": [{"word": "We", "start": 0.0, "end": 0.2},
                           {"word": "cap", "start": 0.2, "end": 0.5},
                           {"word": "each", "start": 0.5, "end": 0.8},
                           {"word": "tenant.", "start": 1.0, "end": 1.6}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def _remote(base_url: str) -> Transcriber:
    from interviewer.models.llm import remote_transcriber

    settings = Settings(_env_file=None, OPENAI_BASE_URL=base_url, OPENAI_API_KEY="k",
                        INTERVIEWER_TRANSCRIPTION="openai")
    return Transcriber(LocalWhisper(), 5_000_000, 60, remote=remote_transcriber(settings))


def test_an_openai_compatible_server_transcribes_with_word_timings(server, wav_path):
    _Server.status = 200
    heard = asyncio.run(_remote(server).transcribe(wav_path.read_bytes(), "a.wav", QUESTION))
    assert heard.text == "We cap each tenant." and heard.engine == f"whisper-1 via {server}"
    assert [w.text for w in heard.words] == ["We", "cap", "each", "tenant."]
    assert _Server.seen[-1] == "/v1/audio/transcriptions"


def test_a_server_without_transcription_falls_back_to_the_local_model(server, wav_path):
    _Server.status = 404
    heard = asyncio.run(_remote(server).transcribe(wav_path.read_bytes(), "a.wav", QUESTION))
    assert heard.engine.startswith("bundled Whisper tiny.en, on this machine (the "
                                   "transcription server failed")
    assert jiwer.wer(_words(SPOKEN), _words(heard.text)) <= 0.2
