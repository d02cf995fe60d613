"""Accounts, sessions, tokens and sign-in throttling, below the web layer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.identity import credentials
from interviewer.identity.accounts import (
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_USER,
    SESSION_DAYS,
    THROTTLE_WINDOW,
    Accounts,
    Throttled,
    UsernameTaken,
    WrongPassword,
)
from interviewer.identity.credentials import BadCredentials
from interviewer.storage import Store
from tests.forms import PASSWORD, post_form


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


pytestmark = pytest.mark.both_backends  # where a database is used: SQLite, then PostgreSQL


@pytest.fixture
def db(backend: str) -> str:
    return backend


@pytest.fixture
def accounts(db: str, clock: Clock) -> Accounts:
    return Accounts(Store(db), clock)


def test_production_hashing_uses_rfc_9106_parameters() -> None:
    hasher = credentials.HASHER
    assert (hasher.type.name, hasher.memory_cost, hasher.time_cost) == ("ID", 65536, 3)


def test_passwords_are_stored_as_argon2id_hashes(accounts: Accounts) -> None:
    account = accounts.sign_up("Dana@Example.com", PASSWORD)
    assert account.username == "dana@example.com"
    stored = accounts.db.fetchone("SELECT password_hash FROM accounts")["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.sign_in(" DANA@example.com ", PASSWORD, "1.2.3.4") == account
    with pytest.raises(UsernameTaken):
        accounts.sign_up("dana@example.com", "another long password")


@pytest.mark.parametrize(("username", "password", "message"), [
    ("ab", PASSWORD, "3 to 64 characters"),
    ("has space", PASSWORD, "3 to 64 characters"),
    ("-dash", PASSWORD, "starting with a letter or digit"),
    ("erin", "short", "at least 10 characters"),
    ("erin", "x" * 1025, "at most 1024"),
    ("erin-the-pm", "Erin-The-PM", "must not be the username"),
])
def test_sign_up_says_which_rule_is_broken(accounts: Accounts, username: str, password: str,
                                           message: str) -> None:
    with pytest.raises(BadCredentials, match=message):
        accounts.sign_up(username, password)


def test_a_weaker_hash_is_upgraded_at_sign_in(accounts: Accounts) -> None:
    account = accounts.sign_up("frank", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    accounts.db.execute("UPDATE accounts SET password_hash = ?", (weak,))
    accounts.sign_in("frank", PASSWORD, "1.2.3.4")
    upgraded = accounts.db.fetchone("SELECT password_hash FROM accounts")["password_hash"]
    assert upgraded != weak and not credentials.needs_rehash(upgraded)  # today's parameters
    assert accounts.sign_in("frank", PASSWORD, "1.2.3.4") == account


def test_sign_in_is_throttled_across_processes(db: str, clock: Clock) -> None:
    """Two Accounts over two connections to one file stand for two server processes."""
    one, two = Accounts(Store(db), clock), Accounts(Store(db), clock)
    one.sign_up("gina", PASSWORD)
    for attempt in range(MAX_FAILURES_PER_USER):
        with pytest.raises(WrongPassword):
            (one if attempt % 2 else two).sign_in("gina", f"guess number {attempt}", "10.0.0.1")
    for process in (one, two):  # even the right password is not heard while locked
        with pytest.raises(Throttled) as locked:
            process.sign_in("gina", PASSWORD, "10.0.0.2")
    assert 0 < locked.value.retry_after <= THROTTLE_WINDOW
    clock.now += THROTTLE_WINDOW + 1
    assert two.sign_in("gina", PASSWORD, "10.0.0.1").username == "gina"
    with pytest.raises(WrongPassword):  # a success clears the username's count
        one.sign_in("gina", "one more guess", "10.0.0.1")
    assert one.sign_in("gina", PASSWORD, "10.0.0.1").username == "gina"


def test_parallel_guesses_cannot_pass_the_limit(db: str, clock: Clock) -> None:
    processes = [Accounts(Store(db), clock) for _ in range(2)]
    processes[0].sign_up("hana", PASSWORD)

    def guess(i: int) -> str:
        try:
            processes[i % 2].sign_in("hana", f"parallel guess {i}", f"10.0.1.{i}")
        except WrongPassword:
            return "checked"
        except Throttled:
            return "throttled"
        return "signed in"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(guess, range(24)))
    assert outcomes.count("checked") == MAX_FAILURES_PER_USER
    assert outcomes.count("throttled") == 24 - MAX_FAILURES_PER_USER


def test_one_address_guessing_many_usernames_is_throttled(accounts: Accounts) -> None:
    for i in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(WrongPassword):
            accounts.sign_in(f"nobody{i}", PASSWORD, "10.9.9.9")
    with pytest.raises(Throttled):
        accounts.sign_in("someone-else", PASSWORD, "10.9.9.9")
    with pytest.raises(WrongPassword):  # another address is still heard
        accounts.sign_in("someone-else", PASSWORD, "10.9.9.10")


def test_sessions_end_at_sign_out_and_expire(accounts: Accounts, clock: Clock) -> None:
    owner = accounts.sign_up("ivan", PASSWORD).owner_id
    first, second = accounts.new_session(owner), accounts.new_session(owner)
    assert first != second and accounts.session_owner(first) == owner
    stored = [r["id_hash"] for r in accounts.db.fetchall("SELECT id_hash FROM sessions")]
    assert first not in stored and credentials.digest(first) in stored
    accounts.end_session(first)
    assert accounts.session_owner(first) is None and accounts.session_owner(second) == owner
    clock.now += SESSION_DAYS * 86400 + 1
    assert accounts.session_owner(second) is None


def test_tokens_belong_to_one_owner(accounts: Accounts) -> None:
    jo = accounts.sign_up("jo-pm", PASSWORD).owner_id
    kim = accounts.sign_up("kim-pm", PASSWORD).owner_id
    info, secret = accounts.create_token(jo, "  my\nscript  ")
    assert info.name == "my script" and secret.startswith("pmi_") and len(secret) > 40
    assert accounts.token_owner(secret) == jo
    assert accounts.tokens(jo)[0].last_used_at is not None
    assert not accounts.revoke_token(kim, info.id)  # not Kim's to revoke
    assert accounts.token_owner(secret) == jo
    assert accounts.revoke_token(jo, info.id) and accounts.token_owner(secret) is None


@given(st.text(max_size=80))
def test_username_rules_never_raise_anything_else(raw: str) -> None:
    try:
        name = credentials.normal_username(raw)
    except BadCredentials:
        return
    assert name == name.strip().lower() and 3 <= len(name) <= 64


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(username=st.text(max_size=70), password=st.text(max_size=40))
def test_the_sign_in_forms_answer_any_text_without_a_server_error(
        signin_client: TestClient, username: str, password: str) -> None:
    for action in ("/signin", "/signup"):
        response = post_form(signin_client, action, action, username=username,
                             password=password)
        assert response.status_code in (303, 401, 422, 429), response.text


def _accounts_client(db: Path | str) -> TestClient:
    from interviewer.settings import Settings
    from interviewer.web.app import create_app

    return TestClient(create_app(Settings(_env_file=None, INTERVIEWER_DB=str(db),
                                          INTERVIEWER_AUTH="accounts",
                                          INTERVIEWER_MODEL="offline")))


@pytest.fixture(scope="module")
def signin_client(tmp_path_factory: pytest.TempPathFactory):
    with _accounts_client(tmp_path_factory.mktemp("forms") / "forms.db") as client:
        yield client


def test_throttled_sign_in_page_says_when_to_retry(db: str) -> None:
    with _accounts_client(db) as browser:
        for i in range(MAX_FAILURES_PER_USER):
            response = post_form(browser, "/signin", "/signin", username="lee",
                                 password=f"wrong password {i}")
            assert response.status_code == 401
            assert "do not match an account" in response.text
        response = post_form(browser, "/signin", "/signin", username="lee", password=PASSWORD)
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert "Too many failed sign-ins" in response.text


