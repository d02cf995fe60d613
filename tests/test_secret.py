"""The server secret: from the environment or made once per database, private, shared by every
process on the host; and signatures that only that secret can make."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.settings import Settings
from interviewer.web.secret import SecretError, Signer, secret_file, server_secret

KEY = "k" * 40


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "data" / "i.db"), **env)


def test_the_environment_key_is_used_as_given(tmp_path: Path) -> None:
    assert server_secret(_settings(tmp_path, INTERVIEWER_SECRET_KEY=KEY)) == KEY.encode()
    assert not secret_file(_settings(tmp_path)).exists()  # nothing written when a key is set


def test_a_short_environment_key_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match="INTERVIEWER_SECRET_KEY is too short: use at least 32"):
        server_secret(_settings(tmp_path, INTERVIEWER_SECRET_KEY="hunter2"))


def test_a_generated_secret_is_private_kept_beside_the_database_and_reused(tmp_path: Path
                                                                           ) -> None:
    first = server_secret(_settings(tmp_path))
    path = tmp_path / "data" / "i.db.secret"
    assert secret_file(_settings(tmp_path)) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32 and path.read_text().strip().encode() == first
    assert server_secret(_settings(tmp_path)) == first  # a restart signs alike
    other = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "other.db"))
    assert server_secret(other) != first  # another database, another secret
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_sqlite_url_keeps_its_secret_beside_the_file(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=f"sqlite:///{tmp_path}/u.db")
    server_secret(settings)
    assert (tmp_path / "u.db.secret").exists()


def test_processes_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    code = ("from interviewer.settings import Settings; "
            "from interviewer.web.secret import server_secret; "
            f"print(server_secret(Settings(_env_file=None, INTERVIEWER_DB={db!r})).decode())")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path.cwd())})
             for _ in range(6)]
    outputs = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert outputs == {(tmp_path / "p.db.secret").read_text().strip()}


def test_a_secret_others_can_read_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    server_secret(settings)
    secret_file(settings).chmod(0o644)
    with pytest.raises(SecretError, match="can be read by other users .*chmod 600"):
        server_secret(settings)


def test_a_damaged_secret_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    server_secret(settings)
    secret_file(settings).write_text("short\n")
    with pytest.raises(SecretError, match="damaged"):
        server_secret(settings)


def test_signatures_depend_on_the_secret_and_the_purpose() -> None:
    csrf = Signer(b"a" * 32, "csrf")
    assert csrf.check("browser-1", csrf.mac("browser-1"))
    assert not csrf.check("browser-2", csrf.mac("browser-1"))
    assert not csrf.check("browser-1", Signer(b"b" * 32, "csrf").mac("browser-1"))
    assert not csrf.check("browser-1", Signer(b"a" * 32, "session").mac("browser-1"))
    assert not csrf.check("browser-1", "")


def test_signed_values_expire_and_resist_tampering() -> None:
    signer = Signer(b"s" * 32, "session")
    token = signer.sign("user.42", now=1_000)
    assert signer.unsign(token, max_age=60, now=1_030) == "user.42"
    assert signer.unsign(token, max_age=60, now=1_061) is None
    assert signer.unsign(token, now=10**9) == "user.42"  # no max_age: never expires
    assert signer.unsign(token.replace("42", "43"), now=1_000) is None
    assert signer.unsign(token.replace(".1000.", ".2000."), now=2_000) is None
    assert Signer(b"t" * 32, "session").unsign(token, now=1_000) is None


@settings(deadline=None)  # a busy machine, or mutation testing, can be slow for one example
@given(st.text())
def test_unsign_never_raises_and_accepts_nothing_unsigned(token: str) -> None:
    assert Signer(b"s" * 32, "session").unsign(token) is None


@settings(deadline=None)
@given(st.text(min_size=1))
def test_any_value_round_trips(value: str) -> None:
    signer = Signer(b"s" * 32, "session")
    assert signer.unsign(signer.sign(value)) == value


def test_the_key_length_limit_is_32_characters(tmp_path: Path) -> None:
    assert server_secret(_settings(tmp_path, INTERVIEWER_SECRET_KEY="x" * 32)) == b"x" * 32
    with pytest.raises(SecretError):
        server_secret(_settings(tmp_path, INTERVIEWER_SECRET_KEY="x" * 31))


def test_a_token_from_the_future_is_refused_beyond_a_minute_of_clock_skew() -> None:
    signer = Signer(b"s" * 32, "session")
    token = signer.sign("v", now=1_000)
    assert signer.unsign(token, max_age=10, now=940) == "v"  # 60 s of skew is tolerated
    assert signer.unsign(token, max_age=10, now=939) is None
    assert signer.unsign(token, max_age=10, now=1_010) == "v"
    assert signer.unsign(token, max_age=10, now=1_011) is None


def test_signed_tokens_need_a_value_and_a_whole_number_time() -> None:
    signer = Signer(b"s" * 32, "session")
    assert signer.unsign(signer.sign("")) is None
    for stamped in ["v.abc", "v.", "v.1e3", "v.-5"]:
        assert signer.unsign(f"{stamped}.{signer.mac(stamped)}") is None, stamped


@pytest.mark.parametrize(("mode", "accepted"), [(0o600, True), (0o400, True), (0o640, False),
                                                (0o604, False), (0o610, False)])
def test_only_the_owner_may_read_or_run_the_secret(tmp_path: Path, mode: int,
                                                   accepted: bool) -> None:
    settings = _settings(tmp_path)
    first = server_secret(settings)
    secret_file(settings).chmod(mode)
    if accepted:
        assert server_secret(settings) == first
    else:
        with pytest.raises(SecretError, match=f"mode {mode:o}"):
            server_secret(settings)
