"""Load benchmark: N concurrent interviews through the HTTP API, run by hand.

    python bench/load.py                      # 200 interviews, LLM (fake, 300 ms) then offline
    python bench/load.py --interviews 50 --model offline

The app runs as its own process (`interviewer serve`). For the LLM run it talks to a fake
OpenAI-compatible server on loopback that answers every request after a fixed latency, so
whatever a turn takes beyond `calls x latency` is what our app adds. Each simulated
candidate waits `--think-ms` (spread at random, 50-150%) before each answer, as people do,
and interviews start spread over one think time. Prints one table per model.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import free_port, start_app_process  # noqa: E402
from tests.openai_server import FakeOpenAI, Reply, auto_reply  # noqa: E402

ANSWER = ("I would first ask which developers depend on this and what they need, because the "
          "design follows from that. I would give each API key a token bucket so bursts are "
          "allowed but one customer cannot starve the rest, and return 429 with Retry-After. "
          "The trade-off is simplicity against fairness. I would measure throttled calls that "
          "later succeed and support tickets about limits.")


@dataclass
class Results:
    added_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    turns: int = 0


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _start_app(model: str, base_url: str | None, port: int, db: Path) -> subprocess.Popen:
    env = {"INTERVIEWER_DB": str(db), "INTERVIEWER_MODEL": model,
           "INTERVIEWER_RATE_LIMIT": "1000000", "INTERVIEWER_MAX_RETRIES": "0"}
    if base_url:
        env.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY="bench-key")
    return start_app_process(env, port, stderr=(db.parent / "app.log").open("w"))


async def _timed(client: httpx.AsyncClient, url: str, body: dict, calls: int,
                 latency: float, results: Results) -> dict | None:
    start = time.perf_counter()
    try:
        response = await client.post(url, json=body)
    except httpx.HTTPError as exc:
        results.errors.append(type(exc).__name__)
        return None
    ms = (time.perf_counter() - start) * 1000
    if response.status_code >= 400:
        results.errors.append(str(response.status_code))
        return None
    data = response.json()
    if calls < 0:  # an answer: grade, then ask unless the interview just ended
        calls = 1 if data["status"] == "completed" else 2
    results.turns += 1
    results.total_ms.append(ms)
    results.added_ms.append(ms - calls * latency)
    return data


async def _interview(client: httpx.AsyncClient, args: argparse.Namespace, latency: float,
                     results: Results) -> None:
    await asyncio.sleep(random.uniform(0, args.think_ms / 1000))
    state = await _timed(client, "/api/interviews", {"questions": args.questions}, 1, latency,
                         results)
    while state is not None and state["status"] == "in_progress":
        await asyncio.sleep(args.think_ms / 1000 * random.uniform(0.5, 1.5))
        body = {"text": ANSWER, "turn": state["current"]["turn"]}
        state = await _timed(client, f"/api/interviews/{state['id']}/answers", body, -1,
                             latency, results)


async def _drive(port: int, args: argparse.Namespace, latency: float) -> tuple[Results, float]:
    results = Results()
    limits = httpx.Limits(max_connections=args.interviews + 10)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                 timeout=120) as client:
        start = time.perf_counter()
        await asyncio.gather(*[_interview(client, args, latency, results)
                               for _ in range(args.interviews)])
    return results, time.perf_counter() - start


def _start_fake(latency_ms: float) -> tuple[subprocess.Popen, str]:
    """The fake model in its own process, so it never competes with the load generator."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve-fake", str(port),
                             "--latency-ms", str(latency_ms)], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the fake model did not start")


def serve_fake(port: int, latency_ms: float) -> None:
    """Run the fake OpenAI-compatible server on `port` until killed."""

    def slow(request: dict) -> Reply:
        reply = auto_reply(request)
        reply.delay = latency_ms / 1000
        return reply

    fake = FakeOpenAI(slow, port=port, keep_alive=True).start()
    try:
        while True:
            time.sleep(3600)
    finally:
        fake.stop()


def run(model: str, args: argparse.Namespace) -> tuple[str, Results, float]:
    fake, base_url, latency = None, None, 0.0
    if model != "offline":
        latency = args.latency_ms
        fake, base_url = _start_fake(latency)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        app = _start_app("offline" if model == "offline" else "fake-gpt", base_url, port,
                         Path(tmp) / "bench.db")
        log = Path(tmp) / "app.log"
        try:
            warm = argparse.Namespace(**{**vars(args), "interviews": 2, "think_ms": 10})
            asyncio.run(_drive(port, warm, latency))  # imports, tokenizer, first connections
            results, seconds = asyncio.run(_drive(port, args, latency))
            if results.errors:
                print("".join(log.read_text().splitlines(keepends=True)[-20:]), file=sys.stderr)
        finally:
            for proc in (app, fake):
                if proc is not None:
                    proc.kill()
                    proc.wait()
    label = "offline model" if model == "offline" else f"LLM via fake server ({latency:.0f} ms)"
    return label, results, seconds


def table(rows: list[tuple[str, Results, float]], args: argparse.Namespace) -> str:
    head = (f"{args.interviews} concurrent interviews, {args.questions} questions each, "
            f"think time {args.think_ms} ms (x0.5-1.5)\n")
    lines = ["| model | turns | errors | turns/s | added p50 ms | added p95 ms | added p99 ms "
             "| turn p50 ms |", "|---|---|---|---|---|---|---|---|"]
    for label, r, seconds in rows:
        lines.append(
            f"| {label} | {r.turns} | {len(r.errors)} | {r.turns / seconds:.1f} "
            f"| {_pct(r.added_ms, 50):.1f} | {_pct(r.added_ms, 95):.1f} "
            f"| {_pct(r.added_ms, 99):.1f} | {statistics.median(r.total_ms or [0]):.1f} |")
    return head + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--think-ms", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=2)
    parser.add_argument("--model", choices=["llm", "offline", "both"], default="both")
    parser.add_argument("--serve-fake", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        return serve_fake(args.serve_fake, args.latency_ms)
    models = ["llm", "offline"] if args.model == "both" else [args.model]
    rows = [run(m, args) for m in models]
    print(table(rows, args))
    for label, r, _ in rows:
        if r.errors:
            print(f"{label}: errors {sorted(set(r.errors))}")


if __name__ == "__main__":
    main()
