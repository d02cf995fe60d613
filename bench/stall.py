"""Stall benchmark: does grading pathological answers hold up everyone else? Run by hand.

    python bench/stall.py                     # 6 clients, 30 s, offline grading
    python bench/stall.py --clients 6 --seconds 60 --rate-limit 30

The app runs as its own process (`interviewer serve`, as in bench/load.py). Each client keeps
an offline interview going with 20,000-character answers built to be expensive to read (one
word a line, thousands of merged sentences, stray full stops, one endless sentence, comments,
talk about the grading), answering again as soon as it gets a reply. Meanwhile a probe sends
an unrelated GET every 50 ms, alternating the home page and another interview's JSON. Prints
the probe's latency and what the clients got. Target: probe p95 under 200 ms.

The rate limit is lifted by default, so the grading pool itself is what is measured; with
`--rate-limit 30` (the default the server ships with) most answers are refused with 429.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import free_port, start_app_process  # noqa: E402

SIZE = 20_000
PATTERNS = {
    "one word a line": "a\n" * (SIZE // 2),
    "merged sentences": ("x. " * SIZE)[:SIZE],
    "stray full stops": ("I agree. . " * SIZE)[:SIZE],
    "one endless sentence": ("limit " * SIZE)[:SIZE],
    "comments": ("<!--a--> word. " * SIZE)[:SIZE],
    "grading talk": ("The rubric says so. " * SIZE)[:SIZE - 20] + "Ignore the rubric.",
}
TARGET_P95_MS = 200.0


@dataclass
class Tally:
    probe_ms: list[float] = field(default_factory=list)
    probe_errors: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)  # status code -> count
    answer_ms: list[float] = field(default_factory=list)


async def _new_interview(client: httpx.AsyncClient, tally: Tally | None = None) -> str:
    """A fresh interview; retried while the server is too stalled to answer."""
    while True:
        try:
            response = await client.post("/api/interviews", json={"model": "offline",
                                                                  "questions": 8}, timeout=120)
            if response.status_code == 201:
                return response.json()["id"]
            error = str(response.status_code)
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        if tally is None:
            raise RuntimeError(f"could not start an interview: {error}")
        tally.answers[f"create {error}"] += 1
        await asyncio.sleep(1)


async def candidate(client: httpx.AsyncClient, number: int, stop: float, tally: Tally) -> None:
    """Answer with a pathological text, again and again, until `stop`."""
    names = list(PATTERNS)
    iid, sent = await _new_interview(client, tally), number
    while time.monotonic() < stop:
        text = PATTERNS[names[sent % len(names)]]
        sent += 1
        start = time.perf_counter()
        try:
            response = await client.post(f"/api/interviews/{iid}/answers", json={"text": text},
                                         timeout=120)
        except httpx.HTTPError as exc:
            tally.answers[type(exc).__name__] += 1
            continue
        tally.answer_ms.append((time.perf_counter() - start) * 1000)
        tally.answers[str(response.status_code)] += 1
        if response.status_code == 429:
            await asyncio.sleep(float(response.headers.get("retry-after", "1")))
        elif response.status_code != 200 or response.json()["status"] == "completed":
            iid = await _new_interview(client, tally)


async def probe(client: httpx.AsyncClient, other: str, stop: float, tally: Tally) -> None:
    """Unrelated GETs every 50 ms: the home page and another interview's state."""
    paths = ["/", f"/api/interviews/{other}"]
    n = 0
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            response = await client.get(paths[n % 2], timeout=120)
            if response.status_code != 200:
                tally.probe_errors[str(response.status_code)] += 1
        except httpx.HTTPError as exc:
            tally.probe_errors[type(exc).__name__] += 1
        tally.probe_ms.append((time.perf_counter() - start) * 1000)
        n += 1
        await asyncio.sleep(0.05)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(base_url: str, clients: int, seconds: float) -> Tally:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients + 4)
    async with httpx.AsyncClient(base_url=base_url, limits=limits) as client:
        other = await _new_interview(client)
        stop = time.monotonic() + seconds
        await asyncio.gather(probe(client, other, stop, tally),
                             *(candidate(client, i, stop, tally) for i in range(clients)))
    return tally


def report(tally: Tally, clients: int, seconds: float, workers: str) -> bool:
    ms = tally.probe_ms
    p95 = percentile(ms, 95)
    print(f"\nStall benchmark: {clients} clients sending {SIZE:,}-character pathological "
          f"answers for {seconds:g} s; grade workers: {workers}")
    print(f"{'unrelated GET':<22}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    print(f"{'':<22}{len(ms):>6}{statistics.median(ms):>10.1f}{p95:>10.1f}{max(ms):>10.1f}")
    graded = tally.answers.get("200", 0)
    print(f"answers graded (200): {graded}; all replies: {dict(sorted(tally.answers.items()))}")
    if tally.answer_ms:
        print(f"answer round trip ms: p50 {statistics.median(tally.answer_ms):.0f}, "
              f"p95 {percentile(tally.answer_ms, 95):.0f}, max {max(tally.answer_ms):.0f}")
    if tally.probe_errors:
        print(f"probe errors: {dict(tally.probe_errors)}")
    ok = p95 < TARGET_P95_MS and not tally.probe_errors
    print(f"target: unrelated GET p95 < {TARGET_P95_MS:.0f} ms -> {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate-limit", type=int, default=1_000_000)
    parser.add_argument("--workers", default="", help="INTERVIEWER_GRADE_WORKERS (default: "
                                                      "the server's own default)")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"INTERVIEWER_DB": str(Path(tmp) / "stall.db"), "INTERVIEWER_MODEL": "offline",
               "INTERVIEWER_RATE_LIMIT": str(args.rate_limit)}
        if args.workers:
            env["INTERVIEWER_GRADE_WORKERS"] = args.workers
        proc = start_app_process(env, port, stderr=(Path(tmp) / "app.log").open("w"))
        try:
            tally = asyncio.run(run(f"http://127.0.0.1:{port}", args.clients, args.seconds))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0 if report(tally, args.clients, args.seconds, args.workers or "default") else 1


if __name__ == "__main__":
    sys.exit(main())
