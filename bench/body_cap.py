"""Oversized request bodies against a real server process: how fast they are refused and what
they cost the server's memory. Run by hand.

    python bench/body_cap.py                  # 300 MB with Content-Length, then chunked
    python bench/body_cap.py --mb 50

Sends an answer of `--mb` megabytes (JSON, so a parser would have to read all of it) with a
Content-Length and then as a chunked stream, and a body with 300,000 unknown JSON keys. Prints
status, seconds, reply size, and the server's resident memory (VmRSS) and its peak (VmHWM)
from /proc, so it needs Linux.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import free_port, start_app_process  # noqa: E402

CHUNK = 1 << 20


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def answer_stream(size: int) -> Iterator[bytes]:
    yield b'{"text": "'
    for start in range(0, size, CHUNK):
        yield b"a" * min(CHUNK, size - start)
    yield b'"}'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=300)
    args = parser.parse_args()
    size = args.mb * 1_000_000
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {"INTERVIEWER_DB": str(Path(tmp) / "b.db"), "INTERVIEWER_MODEL": "offline",
               "INTERVIEWER_RATE_LIMIT": "1000000"}
        proc = start_app_process(env, port)
        try:
            with httpx.Client(base_url=base, timeout=600) as client:
                iid = client.post("/api/interviews", json={}).json()["id"]
                url = f"/api/interviews/{iid}/answers"
                keys = b'{"text": "ok", ' + b", ".join(
                    f'"k{i}": 1'.encode() for i in range(300_000)) + b"}"
                cases = [
                    (f"{args.mb} MB answer, Content-Length",
                     lambda: client.post(url, content=b'{"text": "' + b"a" * size + b'"}',
                                         headers={"content-type": "application/json"})),
                    (f"{args.mb} MB answer, chunked",
                     lambda: client.post(url, content=answer_stream(size),
                                         headers={"content-type": "application/json"})),
                    ("300,000 unknown keys",
                     lambda: client.post(url, content=keys,
                                         headers={"content-type": "application/json"})),
                ]
                print(f"{'request':<32}{'status':>7}{'seconds':>9}{'reply B':>10}"
                      f"{'RSS MB':>9}{'peak MB':>9}")
                rss, peak = memory_mb(proc.pid)
                print(f"{'(server before)':<32}{'':>7}{'':>9}{'':>10}{rss:>9.0f}{peak:>9.0f}")
                for name, send in cases:
                    start = time.perf_counter()
                    try:
                        response = send()
                        status, length = str(response.status_code), len(response.content)
                    except httpx.HTTPError as exc:
                        status, length = type(exc).__name__[:7], 0
                    seconds = time.perf_counter() - start
                    rss, peak = memory_mb(proc.pid)
                    print(f"{name:<32}{status:>7}{seconds:>9.2f}{length:>10,}{rss:>9.0f}"
                          f"{peak:>9.0f}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
