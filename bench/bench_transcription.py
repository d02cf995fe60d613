"""Transcription speed and memory on this machine: 30 s, 2 min and 5 min spoken answers.

Each length runs in a fresh process (so its peak memory is its own), on speech made by
espeak-ng, through the same path the app uses (decode, then Whisper tiny.en on the CPU).
Prints a Markdown table: audio length, wall time, real-time factor and peak RSS.

    python bench/bench_transcription.py            # 30 s, 2 min, 5 min
    python bench/bench_transcription.py --lengths 30 120
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = (
    "I would start with who calls the API and what they need. Merchants retry when the "
    "network drops, so every write takes an idempotency key and returns the first result "
    "again. We give each customer a steady allowance with room for short bursts, and we tell "
    "callers exactly how long to wait. Um, then I would measure time to first successful "
    "call, and the share of support tickets about errors, and I would review both every week. "
)
TARGET = 20.0  # seconds to transcribe a two-minute answer


def make_speech(seconds: int, folder: Path) -> Path:
    """espeak-ng reads the paragraph until the recording is at least `seconds` long."""
    words_per_second = 160 / 60
    text = PARAGRAPH * max(1, int(seconds * words_per_second / len(PARAGRAPH.split())) + 3)
    path = folder / f"speech-{seconds}.wav"
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(path), text], check=True)
    trim = folder / f"trim-{seconds}.wav"
    subprocess.run(["sox", str(path), str(trim), "trim", "0", str(seconds)], check=True)
    return trim


def _child(path: str) -> None:
    import asyncio

    from interviewer.speech.transcribe import LocalWhisper, Transcriber

    data = Path(path).read_bytes()
    local = LocalWhisper()
    loading = time.perf_counter()
    local._load()  # the app loads the model once per process; time it apart
    load_seconds = time.perf_counter() - loading
    transcriber = Transcriber(local, max_bytes=200_000_000, max_seconds=3600)
    start = time.perf_counter()
    heard = asyncio.run(transcriber.transcribe(data, Path(path).name, "How would you design it?"))
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"audio": heard.seconds, "seconds": elapsed, "peak_mb": peak_mb,
                      "words": len(heard.words), "load": load_seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[30, 120, 300])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seconds in args.lengths:
            wav = make_speech(seconds, Path(tmp))
            out = subprocess.run([sys.executable, __file__, "--child", str(wav)],
                                 capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| audio | transcribed in | real-time factor | peak memory | words | model load |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['audio']:.0f} s | {r['seconds']:.1f} s | {r['seconds'] / r['audio']:.3f} "
              f"| {r['peak_mb']:.0f} MB | {r['words']} | {r['load']:.1f} s |")
    two = [r for r in rows if abs(r["audio"] - 120) < 1]
    if two:
        verdict = "meets" if two[0]["seconds"] <= TARGET else "misses"
        print(f"\nA 2-minute answer took {two[0]['seconds']:.1f} s: {verdict} the {TARGET:.0f} s "
              "target.")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
