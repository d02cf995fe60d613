"""Forwarded headers are believed only from configured proxies, so a client cannot claim a
fresh address, and a fresh rate-limit allowance, on every request."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from interviewer.cli import app as cli
from interviewer.library import default_library
from interviewer.settings import Settings
from interviewer.web.app import create_app
from interviewer.web.proxies import server_options
from tests.conftest import make_service
from tests.fakes import FakeModel
from tests.live import serve


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "p.db"),
                    INTERVIEWER_RATE_LIMIT=2, **env)


def _statuses(base: str, forwarded_for: list[str]) -> list[int]:
    with httpx.Client(base_url=base) as http:
        return [http.post("/api/interviews", json={"model": "fake"},
                          headers={"x-forwarded-for": ip}).status_code
                for ip in forwarded_for]


def refused_detail(base: str) -> str:
    with httpx.Client(base_url=base) as http:
        refused = http.post("/api/interviews", json={"model": "fake"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    return refused.json()["detail"]


def test_by_default_no_one_is_trusted_and_made_up_addresses_share_one_allowance(
        tmp_path: Path, fake_model: FakeModel) -> None:
    settings = _settings(tmp_path)
    app = create_app(settings, make_service(settings, default_library(), fake_model))
    addresses = [f"203.0.113.{n}" for n in range(20)]
    with serve(app, **server_options([])) as base:
        statuses = _statuses(base, addresses)
        detail = refused_detail(base)
    assert statuses == [201, 201] + [429] * 18
    assert "Your answer is saved" not in detail and "Too many model requests" in detail


def test_a_trusted_proxy_names_the_client_and_each_client_has_its_own_allowance(
        tmp_path: Path, fake_model: FakeModel) -> None:
    # behind a proxy accounts are on by default; this test is about addresses, not sign-in
    settings = _settings(tmp_path, INTERVIEWER_TRUSTED_PROXIES="127.0.0.0/8",
                         INTERVIEWER_AUTH="local")
    app = create_app(settings, make_service(settings, default_library(), fake_model))
    with serve(app, **server_options(["127.0.0.0/8"])) as base:
        statuses = _statuses(base, ["203.0.113.1"] * 3 + ["203.0.113.2"] * 3)
        # a client cannot slip past its proxy by prepending its own header
        spoofed = _statuses(base, ["198.51.100.9, 203.0.113.1"])
    assert statuses == [201, 201, 429, 201, 201, 429]
    assert spoofed == [429]


def test_the_setting_takes_addresses_and_networks_only() -> None:
    settings = Settings(_env_file=None, INTERVIEWER_TRUSTED_PROXIES=" 10.0.0.5, 10.1.0.0/16,")
    assert settings.trusted_proxies == "10.0.0.5/32,10.1.0.0/16"
    with pytest.raises(ValidationError, match="'proxy.local' is not an IP address or network"):
        Settings(_env_file=None, INTERVIEWER_TRUSTED_PROXIES="10.0.0.5,proxy.local")


@pytest.mark.parametrize(("env", "expected"), [
    ({}, {"proxy_headers": False, "forwarded_allow_ips": ""}),
    ({"INTERVIEWER_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"},
     {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5/32,10.1.0.0/16"}),
])
def test_serve_passes_the_trusted_proxies_to_uvicorn(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: dict) -> None:
    import uvicorn

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own variable must not win
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert {k: seen[k] for k in expected} == expected
    assert seen["port"] == 8123


def test_the_stream_obeys_the_rate_limit_when_answers_skip_the_page(
        tmp_path: Path, fake_model: FakeModel) -> None:
    """Answers posted through the form straight to the stream, never loading the page in
    between, once let the stream grade and ask with no limit check."""
    import re

    from fastapi.testclient import TestClient

    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "s.db"),
                        INTERVIEWER_RATE_LIMIT=3)
    app = create_app(settings, make_service(settings, default_library(), fake_model))
    with TestClient(app) as client:
        iid = client.post("/api/interviews", json={"model": "fake", "questions": 8}).json()["id"]
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get("/").text).group(1)

        def answer(turn: int) -> None:
            posted = client.post(f"/interviews/{iid}/answers", follow_redirects=False,
                                 data={"csrf_token": token, "text": f"answer {turn}",
                                       "turn": str(turn), "stream": "1"})
            assert posted.status_code == 303

        def stream_waits() -> bool:
            return "Too many model requests" in client.get(f"/interviews/{iid}/stream").text

        answer(0)
        notices = [stream_waits(), stream_waits()]  # one stream grades, the next asks
        answer(2)
        notices += [stream_waits() for _ in range(10)]
    # the create spent one of three allowances, the two streams the others; then all wait
    assert notices == [False, False] + [True] * 10
    assert len(fake_model.grade_requests) == 1
    assert len(fake_model.turn_requests) == 2
