"""Accounts, sessions, personal API tokens and sign-in throttling, all held in the database.

Everything a process needs to decide who is asking lives in these tables, so any number of
server processes agree: a session ended or a token revoked in one is gone for all, and
failed sign-ins are counted across processes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interviewer.identity import credentials
from interviewer.identity.credentials import BadCredentials
from interviewer.storage import Duplicate, Store, new_id, now

SESSION_DAYS = 30
THROTTLE_WINDOW = 15 * 60
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 30


class UsernameTaken(BadCredentials):
    """Someone already signed up with that username."""


class WrongPassword(BadCredentials):
    """The username and password do not match; which of them is wrong is not said."""


MAX_TOKEN_NAME = 80  # a label in the token table, not a note


class BadTokenName(ValueError):
    """A token name too long to be a label; the message gives the limit."""


class Throttled(Exception):
    """Too many failed sign-ins; `retry_after` seconds until the next attempt is heard."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed sign-ins: try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Account:
    owner_id: str
    username: str
    created_at: str


@dataclass(frozen=True)
class TokenInfo:
    id: str
    name: str
    created_at: str
    last_used_at: str | None


class Accounts:
    """The identity tables, next to the interviews in the same database."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time):
        self.store = store
        self.db = store.db  # the tables come with migration 0003
        self.clock = clock

    # accounts -----------------------------------------------------------------------------

    def sign_up(self, username: str, password: str, claim_from: str | None = None) -> Account:
        """Create an account; with `claim_from`, that anonymous owner's interviews move in."""
        name = credentials.normal_username(username)
        credentials.check_new_password(password, name)
        account = Account(new_id(), name, now())
        hashed = credentials.hash_password(password)
        try:
            self.db.execute("INSERT INTO accounts (owner, username, password_hash, created_at)"
                            " VALUES (?, ?, ?, ?)", (account.owner_id, name, hashed,
                                                     account.created_at))
        except Duplicate:
            raise UsernameTaken("that username is taken: choose another, or sign in") from None
        if claim_from:
            self.store.move_owned(claim_from, account.owner_id)
        return account

    def sign_in(self, username: str, password: str, address: str) -> Account:
        """The account these credentials open.

        Each attempt is counted as a failure before the password is checked, in the same
        transaction as the count, so parallel guesses from many processes cannot slip past
        the limit; a success takes its count back. Throttled attempts learn nothing.
        """
        name = username.strip().lower() if isinstance(username, str) else ""
        keys = (f"user:{name}", f"addr:{address}")
        attempt = self._count_attempt(keys)
        row = self.db.fetchone("SELECT * FROM accounts WHERE username = ?", (name,))
        if row is None:
            credentials.burn_time(password)
        if row is None or not credentials.password_matches(row["password_hash"], password):
            raise WrongPassword("that username and password do not match an account")
        self._forgive(keys[0], attempt)
        if credentials.needs_rehash(row["password_hash"]):
            self._set_password(row["owner"], password)
        return Account(row["owner"], row["username"], row["created_at"])

    def _set_password(self, owner_id: str, password: str) -> None:
        self.db.execute("UPDATE accounts SET password_hash = ? WHERE owner = ?",
                        (credentials.hash_password(password), owner_id))

    def change_password(self, owner_id: str, current: str, new: str, address: str,
                        keep_session: str | None = None) -> None:
        """Set a new password once the current one is given (a session left open on a shared
        computer cannot change it), then end every other session, so anyone who had the old
        password is signed out everywhere. API tokens stay: revoke them on the account page."""
        account = self.account(owner_id)
        if account is None:
            raise WrongPassword("there is no such account")
        credentials.check_new_password(new, account.username)
        self.sign_in(account.username, current, address)  # throttled like any sign-in
        self._set_password(owner_id, new)
        keep = credentials.digest(keep_session) if keep_session else ""
        self.db.execute("DELETE FROM sessions WHERE owner = ? AND id_hash <> ?", (owner_id, keep))

    def account(self, owner_id: str) -> Account | None:
        row = self.db.fetchone("SELECT owner, username, created_at FROM accounts"
                               " WHERE owner = ?", (owner_id,))
        return None if row is None else Account(row["owner"], row["username"],
                                                row["created_at"])

    def by_username(self, username: str) -> Account | None:
        """The account with this username, written in any case: for the operator's CLI."""
        row = self.db.fetchone("SELECT owner, username, created_at FROM accounts"
                               " WHERE username = ?", (username.strip().lower(),))
        return None if row is None else Account(row["owner"], row["username"],
                                                row["created_at"])

    def delete_account(self, owner_id: str) -> None:
        """The account and everything it owns: interviews, runs, sessions and tokens."""
        self.store.delete_owned(owner_id)
        with self.db.transaction() as tx:
            for table in ("sessions", "api_tokens", "accounts"):
                tx.execute(f"DELETE FROM {table} WHERE owner = ?", (owner_id,))

    # throttling ---------------------------------------------------------------------------

    def _count_attempt(self, keys: tuple[str, str]) -> list[str]:
        """Refuse with Throttled when a key is over its limit, else record the attempt."""
        clock = self.clock()
        since = int(clock) - THROTTLE_WINDOW
        limits = (MAX_FAILURES_PER_USER, MAX_FAILURES_PER_ADDRESS)
        ids = [new_id() for _ in keys]
        # one serialised transaction for every process on this database: an immediate
        # transaction on SQLite, an advisory transaction lock on PostgreSQL
        with self.db.transaction(lock="sign-in-throttle") as tx:
            tx.execute("DELETE FROM sign_in_failures WHERE at <= ?", (since,))
            for key, limit in zip(keys, limits, strict=True):
                rows = tx.fetchall("SELECT at FROM sign_in_failures WHERE key = ?"
                                   " ORDER BY at DESC LIMIT ?", (key, limit))
                if len(rows) >= limit:
                    wait = math.ceil(rows[-1]["at"] + THROTTLE_WINDOW - clock)
                    raise Throttled(max(1, wait))
            for attempt_id, key in zip(ids, keys, strict=True):
                tx.execute("INSERT INTO sign_in_failures (id, key, at) VALUES (?, ?, ?)",
                           (attempt_id, key, int(clock)))
        return ids

    def _forgive(self, user_key: str, attempt: list[str]) -> None:
        """After a success: the username's failures go, and this attempt's own count."""
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM sign_in_failures WHERE key = ?", (user_key,))
            for attempt_id in attempt:
                tx.execute("DELETE FROM sign_in_failures WHERE id = ?", (attempt_id,))

    # sessions -----------------------------------------------------------------------------

    def new_session(self, owner_id: str) -> str:
        """A fresh session id for a sign-in; only its hash is stored."""
        secret = credentials.new_secret()
        expires = int(self.clock()) + SESSION_DAYS * 86400
        self.db.execute("INSERT INTO sessions (id_hash, owner, created_at, expires_at)"
                        " VALUES (?, ?, ?, ?)", (credentials.digest(secret), owner_id, now(),
                                                 expires))
        return secret

    def session_owner(self, secret: str) -> str | None:
        """The owner signed in with this session id, unless it ended or expired."""
        row = self.db.fetchone("SELECT owner, expires_at FROM sessions WHERE id_hash = ?",
                               (credentials.digest(secret),))
        if row is None or row["expires_at"] <= self.clock():
            return None
        return row["owner"]

    def end_session(self, secret: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE id_hash = ?", (credentials.digest(secret),))

    # API tokens ---------------------------------------------------------------------------

    def create_token(self, owner_id: str, name: str) -> tuple[TokenInfo, str]:
        """A new personal token: its description, and its value, which is shown only now."""
        label = " ".join(name.split()) or "API token"
        if len(label) > MAX_TOKEN_NAME:
            raise BadTokenName(f"the token name is {len(label):,} characters; the limit is "
                               f"{MAX_TOKEN_NAME}. Shorten it and create the token again")
        secret = credentials.new_api_token()
        info = TokenInfo(new_id()[:16], label, now(), None)
        self.db.execute("INSERT INTO api_tokens (id, owner, name, token_hash, created_at)"
                        " VALUES (?, ?, ?, ?, ?)", (info.id, owner_id, label,
                                                    credentials.digest(secret), info.created_at))
        return info, secret

    def tokens(self, owner_id: str) -> list[TokenInfo]:
        rows = self.db.fetchall("SELECT id, name, created_at, last_used_at FROM api_tokens"
                                " WHERE owner = ? ORDER BY created_at, id", (owner_id,))
        return [TokenInfo(r["id"], r["name"], r["created_at"], r["last_used_at"]) for r in rows]

    def revoke_token(self, owner_id: str, token_id: str) -> bool:
        """Delete one of the owner's tokens; False when the owner has no such token."""
        return self.db.execute("DELETE FROM api_tokens WHERE id = ? AND owner = ?",
                               (token_id, owner_id)) > 0

    def token_owner(self, secret: str) -> str | None:
        """The owner of a presented API token, noting when it was last used."""
        hashed = credentials.digest(secret)
        row = self.db.fetchone("SELECT owner, last_used_at FROM api_tokens"
                               " WHERE token_hash = ?", (hashed,))
        if row is None:
            return None
        stamp = now()[:16]  # to the minute: a busy script writes once a minute, not per call
        if (row["last_used_at"] or "")[:16] != stamp:
            self.db.execute("UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?",
                            (now(), hashed))
        return row["owner"]

    # export -------------------------------------------------------------------------------

    def export_account(self, owner_id: str) -> dict[str, Any] | None:
        """The account's own data for an export: never a hash, a session or a token value."""
        account = self.account(owner_id)
        if account is None:
            return None
        return {"username": account.username, "created_at": account.created_at,
                "api_tokens": [{"id": t.id, "name": t.name, "created_at": t.created_at,
                                "last_used_at": t.last_used_at}
                               for t in self.tokens(owner_id)]}
