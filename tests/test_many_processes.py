"""Real server processes on one database: a client alternating between two of them, and one
killed with SIGKILL mid-grade, loses nothing and duplicates nothing; `--workers 2` answers a
burst of identical retries with one stored answer and no 500."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.live import free_port, wait_until_up
from tests.openai_server import FakeOpenAI
from tests.test_crash import ANSWERS, PLAN, Gate, _post_quietly

pytestmark = pytest.mark.both_backends
LEASE = "2"  # seconds: how soon a killed process's hold on an interview lapses


def _server(db: str, base_url: str, port: int) -> subprocess.Popen:
    env = {"INTERVIEWER_DB": db, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "test-key",
           "INTERVIEWER_MODEL": "fake-gpt", "INTERVIEWER_REQUEST_TIMEOUT": "120",
           "INTERVIEWER_MAX_RETRIES": "0", "INTERVIEWER_LEASE_SECONDS": LEASE}
    # its errors go to a file, so that a process that fails to start says why in the failure
    with tempfile.NamedTemporaryFile("w+", prefix="serve-", suffix=".log") as log:
        try:
            return wait_until_up(subprocess.Popen(
                [sys.executable, "-m", "interviewer.cli", "serve", "--port", str(port)],
                env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log,
                start_new_session=True), port)
        except RuntimeError as exc:
            log.seek(0)
            raise RuntimeError(f"{exc}; its stderr ended:\n{log.read()[-3000:]}") from None


def _candidate_answers(base: str, iid: str) -> list[str]:
    stored = httpx.get(f"{base}/api/interviews/{iid}", timeout=30).json()
    return [t["text"] for t in stored["turns"] if t["role"] == "candidate"]


@pytest.mark.parametrize("victim", [0, 1])
def test_sigkill_of_either_process_mid_grade_loses_and_duplicates_nothing(
        backend: str, victim: int) -> None:
    gate = Gate()
    fake = FakeOpenAI(gate.reply).start()
    ports = [free_port(), free_port()]
    with ThreadPoolExecutor(2) as pool:  # start both at once: each takes seconds
        procs = list(pool.map(lambda p: _server(backend, fake.base_url, p), ports))
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        created = httpx.post(f"{bases[0]}/api/interviews", json=PLAN, timeout=30).json()
        iid = created["id"]
        first = httpx.post(f"{bases[1]}/api/interviews/{iid}/answers",  # the other process
                           json={"text": ANSWERS[0], "turn": created["current"]["turn"]},
                           timeout=30).json()
        turn = first["current"]["turn"]
        gate.hold = True
        pending = threading.Thread(target=lambda: _post_quietly(
            f"{bases[victim]}/api/interviews/{iid}/answers", {"text": ANSWERS[1], "turn": turn}))
        pending.start()
        assert gate.grading_started.wait(30), "the server never started grading"
        procs[victim].send_signal(signal.SIGKILL)
        procs[victim].wait(10)
        pending.join(10)
        gate.hold = False
        survivor = bases[1 - victim]
        assert _candidate_answers(survivor, iid) == ANSWERS  # the acked-or-not answer is kept
        # the client retries on the surviving process: recognised, graded once, finished
        retry = httpx.post(f"{survivor}/api/interviews/{iid}/answers",
                           json={"text": ANSWERS[1], "turn": turn}, timeout=60)
        assert retry.status_code == 200, retry.text
        assert retry.json()["status"] == "completed"
        assert _candidate_answers(survivor, iid) == ANSWERS
        card = httpx.get(f"{survivor}/api/interviews/{iid}/scorecard", timeout=30).json()
        assert len(card["questions"]) == 2
        turns = httpx.get(f"{survivor}/api/interviews/{iid}", timeout=30).json()["turns"]
        assert [t["seq"] for t in turns] == list(range(len(turns)))
        assert sum(t["role"] == "interviewer" and t["kind"] != "close"
                   for t in turns) == 2  # no turn asked twice
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(10)
        fake.stop()


def _start_workers(db: str, port: int) -> subprocess.Popen:
    return wait_until_up(subprocess.Popen(
        [sys.executable, "-m", "interviewer.cli", "serve", "--port", str(port), "--workers", "2"],
        env={**os.environ, "INTERVIEWER_DB": db, "INTERVIEWER_MODEL": "offline"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True), port)


def test_two_workers_record_a_burst_of_identical_answers_once(backend: str) -> None:
    port = free_port()
    proc = _start_workers(backend, port)
    base = f"http://127.0.0.1:{port}"
    try:
        iid = httpx.post(f"{base}/api/interviews", json={"questions": 2}, timeout=30).json()["id"]

        async def burst() -> list[httpx.Response]:
            limits = httpx.Limits(max_keepalive_connections=0)  # new connections: both workers
            async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
                return await asyncio.gather(*(
                    http.post(f"/api/interviews/{iid}/answers", json={"text": ANSWERS[0]})
                    for _ in range(20)))

        responses = asyncio.run(burst())
        assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
        assert _candidate_answers(base, iid) == [ANSWERS[0]]
        turns = httpx.get(f"{base}/api/interviews/{iid}", timeout=30).json()["turns"]
        assert [t["seq"] for t in turns] == list(range(len(turns)))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
