"""Test speech: known answers spoken by Debian's espeak-ng, so word error rate can be measured."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# (question, answer): plain platform-PM answers read at an interview pace.
ANSWERS = [
    ("How would you rate limit a public API?",
     "I would give every customer a steady allowance with room for short bursts. When a "
     "caller goes over, we tell them exactly how long to wait before they retry, and we "
     "watch how many requests get turned away each day."),
    ("How would you retire version one of a public API?",
     "First I would find out who still calls the old version and how much. Then we give "
     "them six months of notice, a migration guide and a new release of the client "
     "library, and we only switch it off when traffic is close to zero."),
    ("How do you know developers like your internal platform?",
     "I look at whether teams choose the platform when they have other options. I also "
     "measure how long it takes a new service to reach production, and I read every "
     "support ticket to find the steps that confuse people."),
]


def espeak() -> str:
    """The espeak-ng binary; the suite fails, never skips, where it is missing."""
    found = shutil.which("espeak-ng")
    assert found, "espeak-ng is not installed: `apt-get install espeak-ng` (.ci/run does it)"
    return found


def speak(text: str, path: Path, words_per_minute: int = 150, gap_ms: int = 0) -> Path:
    """Write `text` as a 22 kHz mono WAV spoken by espeak-ng."""
    cmd = [espeak(), "-s", str(words_per_minute), "-w", str(path)]
    if gap_ms:
        cmd += ["-g", str(gap_ms // 10)]
    subprocess.run([*cmd, text], check=True, capture_output=True)
    return path
