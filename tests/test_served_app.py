"""The app as `interviewer serve` builds it in each worker: what start-up loads is frozen out of
the cycle collector, so full collections under load walk only what requests made."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

PROBE = textwrap.dedent("""\
    import gc
    from fastapi.testclient import TestClient
    from interviewer.web.app import create_served_app

    before = gc.get_freeze_count()
    app = create_served_app()
    frozen = gc.get_freeze_count()
    with TestClient(app) as client:
        status = client.get("/").status_code
    print(before, frozen, status, gc.get_threshold()[0])
""")


def test_serve_freezes_what_start_up_loaded_and_still_serves(tmp_path: Path) -> None:
    env = {**os.environ, "INTERVIEWER_DB": str(tmp_path / "served.db"),
           "INTERVIEWER_MODEL": "offline", "INTERVIEWER_AUTH": "local"}
    env.pop("OPENAI_API_KEY", None)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path, text=True,
                         capture_output=True, timeout=120, check=True).stdout.split()
    before, frozen, status, young = (int(word) for word in out)
    assert before == 0
    assert young == 10_000  # few young collections: requests' objects mostly die young
    # the library, rubrics, templates and tokenizer: far more than an empty interpreter holds
    assert frozen > 50_000
    assert status == 200


@pytest.mark.parametrize(("workers", "expected"), [
    (1, "built"), (2, "interviewer.web.app:create_served_app")])
def test_serve_runs_the_served_app_for_one_worker_and_for_many(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: int, expected: str) -> None:
    import uvicorn

    from interviewer import cli
    from interviewer.web import app as web_app

    ran: dict = {}
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "cli.db"))
    monkeypatch.setattr(web_app, "create_served_app", lambda: "built")
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: ran.update(target=target, **kw))
    result = CliRunner().invoke(cli.app, ["serve", "--workers", str(workers)])
    assert result.exit_code == 0, result.output
    assert ran["target"] == expected
    assert ran["factory"] is (workers > 1)


@pytest.mark.parametrize(("env", "expected"), [
    ({}, 75), ({"INTERVIEWER_KEEP_ALIVE_SECONDS": "120"}, 120)])
def test_serve_keeps_idle_connections_open_longer_than_clients_and_proxies_do(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str],
        expected: int) -> None:
    """uvicorn's own 5 s closed connections that clients (a browser, a proxy with a 60 s idle
    timeout, the load benchmark's 4 s expiry seen through a busy loop) still counted as open:
    a request sent just as the server closed got a ReadError. The option must reach uvicorn's
    Config by its real name, or uvicorn refuses it."""
    import uvicorn

    from interviewer import cli

    ran: dict = {}
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "cli.db"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: ran.update(kw))
    result = CliRunner().invoke(cli.app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert uvicorn.Config("interviewer.web.app:create_served_app", **ran
                          ).timeout_keep_alive == expected


def test_a_keep_alive_of_zero_seconds_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from interviewer.settings import Settings

    monkeypatch.setenv("INTERVIEWER_KEEP_ALIVE_SECONDS", "0")
    with pytest.raises(ValueError, match="INTERVIEWER_KEEP_ALIVE_SECONDS"):
        Settings()
