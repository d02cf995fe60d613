"""Transcription on the bundled Whisper model: accuracy on known speech, and clear errors."""

from __future__ import annotations

import asyncio
import io
import wave

import jiwer
import pytest

from interviewer.speech.audio import AudioError, check_size, decode
from interviewer.speech.transcribe import LocalWhisper, Transcriber, whisper_prompt
from tests.speech_fixtures import ANSWERS, speak


def _normal(text: str) -> str:
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber(LocalWhisper(), max_bytes=5_000_000, max_seconds=120)


def test_word_error_rate_on_known_answers_is_at_most_15_percent(transcriber, tmp_path):
    refs, hyps = [], []
    for i, (question, answer) in enumerate(ANSWERS):
        wav = speak(answer, tmp_path / f"a{i}.wav").read_bytes()
        result = asyncio.run(transcriber.transcribe(wav, "a.wav", question))
        refs.append(_normal(answer))
        hyps.append(_normal(result.text))
        assert result.engine == "bundled Whisper tiny.en, on this machine"
        assert result.words and result.words[-1].end <= result.seconds + 0.5
    wer = jiwer.wer(refs, hyps)
    assert wer <= 0.15, f"word error rate {wer:.1%}:\n" + "\n".join(hyps)


def _join_with_silence(first: bytes, second: bytes, seconds: float) -> bytes:
    parts = []
    for data in (first, second):
        with wave.open(io.BytesIO(data)) as w:
            params, frames = w.getparams(), w.readframes(w.getnframes())
        parts.append(frames)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setparams(params)
        silence = b"\x00\x00" * int(params.framerate * seconds)
        w.writeframes(parts[0] + silence + parts[1])
    return out.getvalue()


def test_word_timings_show_a_long_pause(transcriber, tmp_path):
    first = speak("We would shard the data by tenant.", tmp_path / "a.wav").read_bytes()
    second = speak("Then we measure the latency.", tmp_path / "b.wav").read_bytes()
    result = asyncio.run(transcriber.transcribe(_join_with_silence(first, second, 4.0), "p.wav"))
    gaps = [b.start - a.end for a, b in zip(result.words, result.words[1:], strict=False)]
    assert max(gaps) >= 2.0, [(w.text, w.start, w.end) for w in result.words]
    assert result.seconds > 6.0


def _tone_wav(seconds: float) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x10\x00\xf0\xff" * int(8000 * seconds))
    return buf.getvalue()


def test_too_large_is_refused_before_decoding():
    with pytest.raises(AudioError, match="the limit is 1 MB"):
        check_size(b"x" * 1_500_000, 1_000_000)
    with pytest.raises(AudioError, match="empty"):
        check_size(b"", 1_000_000)


def test_too_long_is_refused_with_the_limit():
    with pytest.raises(AudioError, match="longer than 0 min 2 s"):
        decode(_tone_wav(3.0), max_seconds=2)
    assert decode(_tone_wav(1.0), max_seconds=2).size == 16000


def test_not_audio_is_a_clear_error():
    with pytest.raises(AudioError, match="could not be read as audio"):
        decode(b"this is not a recording at all" * 10, max_seconds=60)


def test_prompt_primes_fillers_and_carries_the_question():
    prompt = whisper_prompt("How would you rate limit a public API?")
    assert prompt.startswith("Um, uh") and "rate limit a public API" in prompt
    assert len(whisper_prompt("x " * 1000)) <= 400
