"""The databases the storage, API, crash and ownership tests run on.

SQLite is a file in the test's temporary folder. PostgreSQL is a fresh database per test on
the server named by INTERVIEWER_TEST_PG (`eval "$(scripts/pg-test.sh)"` starts one). In CI a
missing server fails the PostgreSQL cases; on a developer's machine it skips them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_ENV = "INTERVIEWER_TEST_PG"


def admin_dsn() -> str:
    dsn = os.environ.get(PG_ENV, "")
    if not dsn:
        message = (f"{PG_ENV} is not set, so the PostgreSQL cases cannot run: "
                   'eval "$(scripts/pg-test.sh)" starts a throwaway server')
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return dsn


def _with_database(dsn: str, name: str) -> str:
    base, _, query = dsn.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty database for one test, dropped afterwards with every connection to it."""
    import psycopg

    from interviewer.storage.backends import PostgresDatabase

    dsn = admin_dsn()
    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(dsn, name)
    try:
        yield url
    finally:
        PostgresDatabase.close_all(url)
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def backend_target(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(tmp_path / "test.db")
    else:
        with fresh_postgres() as url:
            yield url
