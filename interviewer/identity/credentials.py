"""Usernames, passwords and random secrets: the rules and the hashing, no storage.

Passwords are hashed with argon2id (argon2-cffi's defaults follow RFC 9106). Session ids and
API tokens are 256-bit random strings, so a fast SHA-256 is enough to store them: unlike a
password they cannot be guessed from a dictionary.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{2,63}")
MIN_PASSWORD, MAX_PASSWORD = 10, 1024
TOKEN_PREFIX = "pmi_"
HASHER = PasswordHasher()  # RFC 9106's second recommendation: argon2id, 64 MiB, 3 passes
_hasher = HASHER  # tests swap in a cheap one; production never does


class BadCredentials(ValueError):
    """A username or password that breaks the rules; the message says which rule."""


def normal_username(raw: str) -> str:
    """The stored form of a username (lower case, trimmed), or BadCredentials saying why."""
    name = raw.strip().lower() if isinstance(raw, str) else ""
    if not USERNAME.fullmatch(name):
        raise BadCredentials("a username has 3 to 64 characters: letters, digits and . _ @ + -,"
                             " starting with a letter or digit")
    return name


def check_new_password(password: str, username: str) -> None:
    """Refuse passwords that are too short, too long or the username itself."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise BadCredentials(f"choose a password of at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise BadCredentials(f"a password has at most {MAX_PASSWORD} characters")
    if password.strip().lower() == username:
        raise BadCredentials("the password must not be the username")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    """True when `password` is the one hashed; never raises on a wrong or odd password."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(stored_hash)


def burn_time(password: str) -> None:
    """Hash once for nothing, so an unknown username takes as long as a wrong password."""
    if isinstance(password, str) and len(password) <= MAX_PASSWORD:
        _hasher.hash(password)


def new_secret() -> str:
    """A random string with 256 bits of entropy, url-safe."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    """A personal API token; the prefix lets secret scanners recognise a leaked one."""
    return TOKEN_PREFIX + new_secret()


def digest(secret: str) -> str:
    """How a session id or API token is stored: its SHA-256, never the value itself."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
