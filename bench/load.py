"""Load benchmark: N concurrent interviews through the HTTP API, run by hand.

    python bench/load.py                      # 200 interviews, LLM (fake, 300 ms) then offline
    python bench/load.py --interviews 50 --model offline
    python bench/load.py --model llm --db sqlite,postgresql://postgres@127.0.0.1:55432/postgres \
        --workers 1,2,4 --interviews 200,1000 --saturation 200

`--db` takes `sqlite` (a fresh temporary file) and PostgreSQL URLs (a fresh database is created
in that server for each run and dropped after); SQLite runs with one worker only unless
`--sqlite-workers` says otherwise. `--saturation` adds a run with no think time, whose turns/s
is the throughput at saturation. CPU ms per turn is the server processes' user+system CPU
(read from /proc for the whole `interviewer serve` process group) divided by turns; DB CPU
ms per turn is the PostgreSQL server's (postmaster and backends) when it runs on this machine
and was started with `-p PORT` on its command line, as `scripts/pg-test.sh` does. The last
column is the machine's load average: on a shared machine the latencies say more about the
neighbours than about the app, and the CPU figures are the ones to compare.

Whose latency it is: the client's "added" figures hold the load generator's own delays (its
event loop, on the same cores) and the fake model's. The app is started with
INTERVIEWER_SERVER_TIMING=1, so each response says how long the app held the request and how
much of that it waited on the model; "app added" is the app's time minus the model calls x
latency (the app's own work and its event loop's queue, plus any lateness of the fake model),
"app own" is the app's time minus its measured wait on the model. "rig CPU" is the load
generator's and the fake model's CPU a turn, taken from the same cores as the app's. "gen
lag" is how late the load generator's event loop woke from a 10 ms sleep (p99): when it is
large, so is the gap between the client's figures and the app's.

The app runs as its own process (`interviewer serve`). For the LLM run it talks to a fake
OpenAI-compatible server on loopback that answers every request after a fixed latency, so
whatever a turn takes beyond `calls x latency` is what our app adds. Each simulated
candidate waits `--think-ms` (spread at random, 50-150%) before each answer, as people do,
and interviews start spread over one think time. Prints one table per model.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import random
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import free_port, wait_until_up  # noqa: E402
from tests.openai_server import FakeOpenAI, Reply, auto_reply  # noqa: E402

ANSWER = ("I would first ask which developers depend on this and what they need, because the "
          "design follows from that. I would give each API key a token bucket so bursts are "
          "allowed but one customer cannot starve the rest, and return 429 with Retry-After. "
          "The trade-off is simplicity against fairness. I would measure throttled calls that "
          "later succeed and support tickets about limits.")


CLIENT_TIMEOUT = 120.0  # seconds; a request still unanswered then counts as an error
# plain HTTP on loopback; one context for every client, as building one per client (loading
# the CA bundle, ~20 ms) stalled the load generator's loop while it timed requests
_NO_TLS = ssl.create_default_context()


@dataclass
class Results:
    added_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    app_added_ms: list[float] = field(default_factory=list)  # from the Server-Timing header
    app_own_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)  # the load generator's loop, late by
    errors: list[str] = field(default_factory=list)
    turns: int = 0


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _start_app(model: str, base_url: str | None, port: int, db: str, workers: int,
               log: Path) -> subprocess.Popen:
    env = {**os.environ, "INTERVIEWER_DB": db, "INTERVIEWER_MODEL": model,
           "INTERVIEWER_RATE_LIMIT": "1000000", "INTERVIEWER_MAX_RETRIES": "0",
           "INTERVIEWER_SERVER_TIMING": "1"}
    if base_url:
        env.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY="bench-key")
    proc = subprocess.Popen([sys.executable, "-m", "interviewer.cli", "serve", "--port",
                             str(port), "--workers", str(workers)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"),
                            start_new_session=True)
    try:
        return wait_until_up(proc, port)
    except RuntimeError:
        raise SystemExit(f"the app did not start; see {log}") from None


def _processes() -> Iterator[tuple[int, list[str]]]:
    """(pid, the /proc/<pid>/stat fields after the command name) of every process."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            yield int(stat.parent.name), stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue


def _cpu_seconds(pgid: int) -> float:
    """User+system CPU of every process in the group (the server and its workers)."""
    total = sum(int(f[11]) + int(f[12])  # utime, stime
                for _, f in _processes() if int(f[2]) == pgid)  # f[2]: the process group
    return total / os.sysconf("SC_CLK_TCK")


def _postmaster(db: str) -> int | None:
    """The pid of the PostgreSQL server on this machine listening on the URL's port (as
    scripts/pg-test.sh starts it, `-p PORT` on its command line); None if it is elsewhere."""
    if not db.startswith("postgres"):
        return None
    port = (db.split("@")[-1].split("/")[0].partition(":")[2]) or "5432"
    for pid in (int(p.name) for p in Path("/proc").glob("[0-9]*")):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if args[0].endswith(b"/postgres") and f"-p {port}".encode() in b" ".join(args):
            return pid
    return None


def _fake_cpu_seconds(fake: subprocess.Popen | None) -> float:
    """User+system CPU of the fake model's process (0 for the offline model)."""
    if fake is None:
        return 0.0
    fields = Path(f"/proc/{fake.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _db_cpu_seconds(postmaster: int | None) -> float:
    """User+system CPU of the PostgreSQL server and its backends (the connections' CPU)."""
    if postmaster is None:
        return float("nan")
    total = sum(int(f[11]) + int(f[12]) for pid, f in _processes()
                if pid == postmaster or int(f[1]) == postmaster)  # f[1]: the parent
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _database(db: str, tmp: Path) -> Iterator[str]:
    """A fresh database for one run: a new SQLite file, or a new PostgreSQL database."""
    if not db.startswith("postgres"):
        yield str(tmp / "bench.db")
        return
    import psycopg

    name = f"bench_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    with psycopg.connect(db, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield db.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(db, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    timing = _server_timing(response.headers.get("server-timing", ""))
    if timing:
        results.app_added_ms.append(timing["app"] - calls * latency)
        results.app_own_ms.append(timing["app"] - timing["model"])
    return data


def _server_timing(header: str) -> dict[str, float]:
    """{"app": ms, "model": ms} from `app;dur=12.3, model;dur=600.1`; {} if absent."""
    out = {}
    for part in header.split(","):
        name, _, dur = part.strip().partition(";dur=")
        with contextlib.suppress(ValueError):
            out[name] = float(dur)
    return out if {"app", "model"} <= out.keys() else {}


async def _watch_lag(results: Results, done: asyncio.Event) -> None:
    """How late this process's event loop wakes from a 10 ms sleep, until `done`."""
    while not done.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        results.lag_ms.append((time.perf_counter() - start) * 1000 - 10)


async def _interview(port: int, number: int, args: argparse.Namespace, latency: float,
                     results: Results) -> None:
    async with _candidate(port, number) as client:
        await asyncio.sleep(random.uniform(0, args.think_ms / 1000))
        state = await _timed(client, "/api/interviews", {"questions": args.questions}, 1,
                             latency, results)
        while state is not None and state["status"] == "in_progress":
            await asyncio.sleep(args.think_ms / 1000 * random.uniform(0.5, 1.5))
            body = {"text": ANSWER, "turn": state["current"]["turn"]}
            state = await _timed(client, f"/api/interviews/{state['id']}/answers", body, -1,
                                 latency, results)


def _candidate(port: int, number: int) -> httpx.AsyncClient:
    """One simulated candidate's own client, from its own loopback address (127.1.x.y), as
    candidates come from their own machines: the app keys its rate-limit window on the
    address, and a thousand candidates behind one address would make one window of some
    20,000 rows that every request counts and serialises on, which no real deployment
    has. Idle connections are dropped after 4 s, well inside the server's keep-alive (75 s,
    INTERVIEWER_KEEP_ALIVE_SECONDS), so a request is never sent on a connection the server is
    closing (that race, with uvicorn's 5 s default, was the ReadErrors at 1,000 concurrent)."""
    address = f"127.1.{number // 250}.{number % 250 + 1}"
    transport = httpx.AsyncHTTPTransport(local_address=address, verify=_NO_TLS, limits=httpx.Limits(
        max_connections=2, keepalive_expiry=4.0))
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", transport=transport,
                             timeout=CLIENT_TIMEOUT)


async def _drive(port: int, args: argparse.Namespace, latency: float) -> tuple[Results, float]:
    results = Results()
    done = asyncio.Event()
    watcher = asyncio.create_task(_watch_lag(results, done))
    start = time.perf_counter()
    await asyncio.gather(*[_interview(port, n, args, latency, results)
                           for n in range(args.interviews)])
    seconds = time.perf_counter() - start
    done.set()
    await watcher
    return results, seconds


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


def _quiet_collector() -> None:
    """Tune the fake model's cycle collector as the app tunes its own (interviewer/web/
    app.py): what start-up made is frozen out of it and young collections are rarer. At the
    defaults, and keeping every request, the fake ran two full collections in a run of 1,000
    interviews, one of 73 ms of CPU, and every model call in flight then counted the pause as
    time the app added; now none (the same run: 171 -> 31 ms of collector CPU)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])


def serve_fake(port: int, latency_ms: float) -> None:
    """Run the fake OpenAI-compatible server on `port` until killed."""

    def slow(request: dict) -> Reply:
        reply = auto_reply(request)
        reply.delay = latency_ms / 1000
        return reply

    fake = FakeOpenAI(slow, port=port, keep_alive=True, record=False).start()
    _quiet_collector()
    try:
        while True:
            time.sleep(3600)
    finally:
        fake.stop()


@dataclass
class Row:
    label: str
    db: str
    workers: int
    interviews: int
    think_ms: int
    results: Results
    seconds: float
    cpu_seconds: float
    db_cpu_seconds: float  # the PostgreSQL server's, when it runs on this machine; else nan
    rig_cpu_seconds: float  # the load generator's and the fake model's, on the same cores
    load: float  # the machine's 1-minute load average at the end of the run


def run(model: str, args: argparse.Namespace, db: str = "sqlite", workers: int = 1,
        interviews: int | None = None, think_ms: int | None = None) -> Row:
    fake, base_url, latency = None, None, 0.0
    if model != "offline":
        latency = args.latency_ms
        fake, base_url = _start_fake(latency)
    port = free_port()
    params = argparse.Namespace(**{**vars(args), "interviews": interviews or args.interviews,
                                   "think_ms": args.think_ms if think_ms is None else think_ms})
    with tempfile.TemporaryDirectory() as tmp, _database(db, Path(tmp)) as target:
        log = Path(tmp) / "app.log"
        app = _start_app("offline" if model == "offline" else "fake-gpt", base_url, port,
                         target, workers, log)
        try:
            warm = argparse.Namespace(**{**vars(params), "interviews": 2 * workers,
                                         "think_ms": 10})
            asyncio.run(_drive(port, warm, latency))  # imports, tokenizer, first connections
            postmaster = _postmaster(target)
            cpu_before, db_before = _cpu_seconds(app.pid), _db_cpu_seconds(postmaster)
            rig_before = time.process_time() + _fake_cpu_seconds(fake)
            results, seconds = asyncio.run(_drive(port, params, latency))
            cpu = _cpu_seconds(app.pid) - cpu_before
            db_cpu = _db_cpu_seconds(postmaster) - db_before
            rig_cpu = time.process_time() + _fake_cpu_seconds(fake) - rig_before
            load = os.getloadavg()[0]
            if results.errors:
                print("".join(log.read_text().splitlines(keepends=True)[-20:]), file=sys.stderr)
        finally:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()
            if fake is not None:
                fake.kill()
                fake.wait()
    label = "offline model" if model == "offline" else f"LLM via fake server ({latency:.0f} ms)"
    kind = "PostgreSQL" if db.startswith("postgres") else "SQLite"
    return Row(label, kind, workers, params.interviews, params.think_ms, results, seconds, cpu,
               db_cpu, rig_cpu, load)


def table(rows: list[Row], args: argparse.Namespace) -> str:
    head = (f"{args.questions} questions per interview, think time x0.5-1.5 of the figure "
            f"shown; added = turn time minus model calls x {args.latency_ms:.0f} ms\n")
    lines = ["| model | db | workers | concurrent | think ms | turns | errors | turns/s "
             "| app CPU ms/turn | DB CPU ms/turn | rig CPU ms/turn | added p50 ms | added p95 ms "
             "| added p99 ms "
             "| app added p50 ms | app added p95 ms | app added p99 ms | app own p95 ms "
             "| gen lag p99 ms | turn p50 ms | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        r = row.results
        per_turn = 1000 / r.turns if r.turns else float("nan")
        lines.append(
            f"| {row.label} | {row.db} | {row.workers} | {row.interviews} | {row.think_ms} "
            f"| {r.turns} | {len(r.errors)} | {r.turns / row.seconds:.1f} "
            f"| {row.cpu_seconds * per_turn:.1f} | {row.db_cpu_seconds * per_turn:.1f} "
            f"| {row.rig_cpu_seconds * per_turn:.1f} "
            f"| {_pct(r.added_ms, 50):.1f} | {_pct(r.added_ms, 95):.1f} "
            f"| {_pct(r.added_ms, 99):.1f} | {_pct(r.app_added_ms, 50):.1f} "
            f"| {_pct(r.app_added_ms, 95):.1f} | {_pct(r.app_added_ms, 99):.1f} "
            f"| {_pct(r.app_own_ms, 95):.1f} | {_pct(r.lag_ms, 99):.1f} "
            f"| {statistics.median(r.total_ms or [0]):.1f} "
            f"| {row.load:.1f} |")
    return head + "\n".join(lines)


def _plan(args: argparse.Namespace) -> list[tuple[str, str, int, int, int]]:
    """(model, db, workers, interviews, think ms) for every run asked for."""
    models = ["llm", "offline"] if args.model == "both" else [args.model]
    runs = []
    for model in models:
        for db in args.db.split(","):
            pool = args.sqlite_workers if db == "sqlite" else args.workers
            for workers in (int(w) for w in pool.split(",")):
                for n in (int(i) for i in args.interviews.split(",")):
                    runs.append((model, db, workers, n, args.think_ms))
                if args.saturation:
                    runs.append((model, db, workers, args.saturation, 0))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", default="200", help="comma-separated counts")
    parser.add_argument("--db", default="sqlite",
                        help="comma-separated: sqlite and/or postgresql:// URLs")
    parser.add_argument("--workers", default="1", help="comma-separated, for PostgreSQL")
    parser.add_argument("--sqlite-workers", default="1", help="comma-separated, for SQLite")
    parser.add_argument("--saturation", type=int, default=0, metavar="N",
                        help="add a run of N interviews with no think time")
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--think-ms", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=2)
    parser.add_argument("--model", choices=["llm", "offline", "both"], default="both")
    parser.add_argument("--serve-fake", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        return serve_fake(args.serve_fake, args.latency_ms)
    rows = []
    for model, db, workers, n, think in _plan(args):
        rows.append(run(model, args, db, workers, n, think))
        print(table(rows[-1:], args).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(rows, args))
    for row in rows:
        if row.results.errors:
            print(f"{row.label} {row.db} x{row.workers} {row.interviews}: errors "
                  f"{sorted(set(row.results.errors))}")


if __name__ == "__main__":
    main()
