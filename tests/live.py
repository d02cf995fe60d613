"""Run an ASGI app on a real loopback port in a background thread, for browser tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app: object, **options: object) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 until the block ends; yields the base URL. `options` go to
    uvicorn's Config."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def start_app_process(env: dict[str, str], port: int, stderr: object = None
                      ) -> subprocess.Popen:
    """`interviewer serve` as its own process on `port`; returns once it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "interviewer.cli", "serve", "--port",
                             str(port)], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=stderr if stderr is not None else subprocess.DEVNULL)
    return wait_until_up(proc, port, seconds=90)


def wait_until_up(proc: subprocess.Popen, port: int, seconds: float = 120
                  ) -> subprocess.Popen:
    """`proc` once the app answers on `port` (a busy 2-core machine can take a while to
    start one); if it exits or stays silent, it is killed, with its whole process group
    when it leads one, and RuntimeError says so."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    code = proc.poll()
    try:
        if os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except ProcessLookupError:
        pass
    why = f"it exited with code {code}" if code is not None else f"silent for {seconds:g} s"
    raise RuntimeError(f"the app did not start ({why})")
