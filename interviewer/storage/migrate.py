"""Bring a database to the newest schema with yoyo-migrations, on SQLite and PostgreSQL alike.

Every process runs this at start-up. yoyo records what it applied and takes its own lock;
on PostgreSQL an advisory lock around the whole run also keeps two processes from creating
yoyo's bookkeeping tables at the same moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from interviewer.storage.errors import StorageUnavailable

MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 0x1E7E_5709  # any fixed number: the advisory lock the migrating process holds


@contextmanager
def _only_one_migrates(dialect: str, url: str) -> Iterator[None]:
    if dialect != "postgresql":
        yield  # SQLite: yoyo's lock row, taken inside a write transaction, is enough
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))


def migrate(dialect: str, migration_url: str, connect_url: str) -> list[str]:
    """Apply every migration not yet applied; returns their ids, oldest first."""
    from yoyo import get_backend, read_migrations
    from yoyo.exceptions import LockTimeout

    migrations = read_migrations(str(MIGRATIONS))
    try:
        with _only_one_migrates(dialect, connect_url):
            backend = get_backend(migration_url)
            try:
                with backend.lock(timeout=60):
                    pending = backend.to_apply(migrations)
                    backend.apply_migrations(pending)
            finally:
                backend.connection.close()
    except LockTimeout as exc:
        raise StorageUnavailable("another process held the migration lock for a minute; if "
                                 "it was killed, delete the row in yoyo_lock") from exc
    return [m.id for m in pending]


def pending(dialect: str, migration_url: str) -> list[str]:
    """Migrations this database has not had yet (for tests and `interviewer check`)."""
    from yoyo import get_backend, read_migrations

    backend = get_backend(migration_url)
    try:
        return [m.id for m in backend.to_apply(read_migrations(str(MIGRATIONS)))]
    finally:
        backend.connection.close()
