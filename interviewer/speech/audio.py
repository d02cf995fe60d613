"""Reading an uploaded recording: size and duration caps, decoded to 16 kHz mono samples.

Decoding streams frame by frame and stops at the duration cap, so a small compressed
file that expands to hours of audio never fills memory.
"""

from __future__ import annotations

import io

import av
import numpy as np

SAMPLE_RATE = 16_000


class AudioError(ValueError):
    """The recording cannot be used; the message says why and what to do."""


def check_size(data: bytes, max_bytes: int) -> None:
    """Reject an empty or oversized upload before it is decoded."""
    if not data:
        raise AudioError("the recording is empty: record or choose an audio file and try again")
    if len(data) > max_bytes:
        raise AudioError(f"the recording is {len(data) / 1e6:.1f} MB; the limit is "
                         f"{max_bytes / 1e6:.0f} MB. Record a shorter answer")


def decode(data: bytes, max_seconds: float) -> np.ndarray:
    """The recording as float32 samples at 16 kHz mono; AudioError if it is unreadable,
    silent-empty, or longer than `max_seconds`."""
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError("the file has no audio track; upload a recording of your answer")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1)
                    total += samples.size
                    if total > limit:
                        raise AudioError(f"the recording is longer than {_minutes(max_seconds)}; "
                                         "answer in less time or split it")
                    chunks.append(samples)
    except AudioError:
        raise
    except (av.error.FFmpegError, ValueError, OSError, IndexError) as exc:
        raise AudioError("the file could not be read as audio; upload a WAV, WebM, OGG, MP3 "
                         "or M4A recording") from exc
    if total == 0:
        raise AudioError("the recording has no sound in it; check your microphone and retry")
    return np.concatenate(chunks).astype(np.float32) / 32768.0


def _minutes(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m} min {s} s" if s else f"{m} min"
