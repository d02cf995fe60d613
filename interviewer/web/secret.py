"""One server secret for everything the server signs: CSRF tokens now, session cookies later.

The secret comes from `INTERVIEWER_SECRET_KEY` when it is set. Otherwise it is generated once
and kept, readable by its owner only (mode 0600), in a file beside the SQLite database, so every
process serving that database on this host signs alike and a restart logs no one out.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import time
from pathlib import Path

from starlette.requests import HTTPConnection

from interviewer.settings import Settings

SECRET_BYTES = 32
MIN_KEY_CHARS = 32
FILE_SUFFIX = ".secret"


class SecretError(RuntimeError):
    """The secret cannot be read or made safely; the message says what to do."""


def secret_file(settings: Settings) -> Path:
    """Where the generated secret lives: beside the SQLite file, or in the working directory
    when the database is not a local file."""
    try:
        db = settings.db_path()
    except ValueError:  # a database server: processes on other hosts need INTERVIEWER_SECRET_KEY
        return Path("interviewer" + FILE_SUFFIX).resolve()
    return db.with_name(db.name + FILE_SUFFIX)


def server_secret(settings: Settings) -> bytes:
    """The key every signature of this server uses."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if len(key) < MIN_KEY_CHARS:
            raise SecretError(f"INTERVIEWER_SECRET_KEY is too short: use at least "
                              f"{MIN_KEY_CHARS} random characters, e.g. from "
                              "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
        return key.encode()
    return _load_or_create(secret_file(settings))


def _load_or_create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path) -> None:
    """Write a fresh secret to a private temporary file, then link it into place: linking
    fails if another process got there first, so every process ends up with the same key."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(SECRET_BYTES) + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(f"the server secret {path} can be read by other users "
                          f"(mode {stat.S_IMODE(mode):o}): run `chmod 600 {path}`, or set "
                          "INTERVIEWER_SECRET_KEY")
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_CHARS:
        raise SecretError(f"the server secret {path} is damaged (too short): delete it to "
                          "make a new one (open forms must then be reloaded)")
    return key.encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Signer:
    """HMAC-SHA256 signatures for one purpose, so a token made for one use (a CSRF token)
    is never accepted for another (a session cookie)."""

    def __init__(self, secret: bytes, purpose: str):
        self._key = hmac.new(secret, b"interviewer-signer:" + purpose.encode(),
                             hashlib.sha256).digest()

    def mac(self, value: str) -> str:
        """The signature of `value` alone: a fixed token such as a CSRF token."""
        return _b64(hmac.new(self._key, value.encode(), hashlib.sha256).digest())

    def check(self, value: str, mac: str) -> bool:
        """Whether `mac` is this signer's signature of `value`, in constant time."""
        return hmac.compare_digest(self.mac(value).encode(), mac.encode("utf-8", "replace"))

    def sign(self, value: str, now: float | None = None) -> str:
        """`value` with the time and a signature appended: a token that can carry data
        (a session id) and expire."""
        stamped = f"{value}.{int(time.time() if now is None else now)}"
        return f"{stamped}.{self.mac(stamped)}"

    def unsign(self, token: str, max_age: float | None = None, now: float | None = None
               ) -> str | None:
        """The value inside a token from `sign`; None when forged, altered or older than
        `max_age` seconds."""
        stamped, _, mac = token.rpartition(".")
        value, _, issued = stamped.rpartition(".")
        if not value or not issued.isdigit() or not self.check(stamped, mac):
            return None
        age = (time.time() if now is None else now) - int(issued)
        if max_age is not None and not -60 <= age <= max_age:
            return None
        return value


def signer(request: HTTPConnection, purpose: str) -> Signer:
    """A signer over the running app's secret, for one purpose."""
    return Signer(request.app.state.secret, purpose)
