"""The two databases the store runs on, behind one small interface.

Queries are written once with `?` placeholders; PostgreSQL gets them as `%s`. Every write
happens in a transaction that serialises writers (an immediate transaction on SQLite, an
optional advisory transaction lock on PostgreSQL), and every driver error comes out as one
of `interviewer.storage.errors`, so the web layer never shows a bare 500 for a storage fault.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from interviewer.storage.errors import Duplicate, StorageCorrupt, StorageUnavailable

Row = Any  # sqlite3.Row or a dict: both are read as row["column"]
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Tx(ABC):
    """The statements of one transaction."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns how many rows it changed."""

    @abstractmethod
    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    @abstractmethod
    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...


class Database(ABC):
    dialect: str
    migration_url: str
    threads = 1  # worker threads for its blocking calls from async code (`Store.run`);
    # 0: inline

    @abstractmethod
    def transaction(self, write: bool = True, lock: str | None = None
                    ) -> Any:  # a context manager yielding a Tx
        """One transaction; `lock` names what it serialises on (PostgreSQL only needs it)."""

    @abstractmethod
    def close(self) -> None: ...

    @contextmanager
    def trip(self) -> Iterator[None]:
        """Around one call from async code (`Store.run`): what its statements may share."""
        yield

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self.transaction(write=False) as tx:
            return tx.fetchone(sql, params)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.transaction(write=False) as tx:
            return tx.fetchall(sql, params)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.transaction() as tx:
            return tx.execute(sql, params)


# --- SQLite ---------------------------------------------------------------------------------

def _sqlite_error(exc: sqlite3.Error) -> Exception:
    if isinstance(exc, sqlite3.IntegrityError):
        return Duplicate(str(exc))
    return StorageUnavailable(f"the database could not be used: {exc}")


class _SQLiteTx(Tx):
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            return self.db.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise _sqlite_error(exc) from exc

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        try:
            return self.db.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise _sqlite_error(exc) from exc

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _sqlite_error(exc) from exc


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class SQLiteDatabase(Database):
    """One SQLite file, one connection per process kept open.

    Closing the last connection makes SQLite checkpoint the WAL, which cost more than every
    query of a turn together, so the connection stays open and callers take turns on it.
    """

    dialect = "sqlite"

    def __init__(self, path: Path):
        self.path = path
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        self.migration_url = f"sqlite:///{path}"
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None,
                                       check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._check_integrity()
            self._db.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL sync: a committed answer survives a killed process; only a
            # power cut or OS crash could lose the newest commits, and an fsync per write
            # would stall every request behind the disk.
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StorageCorrupt(f"{path} cannot be opened as a database ({exc})") from exc
        self._identity = _file_id(path)
        # calls from async code run inline (`Offload(0)`): in-process, they take less time
        # than a trip to a thread; waits for a busy lease are `asyncio.sleep`s between them
        self.threads = 0

    def _check_integrity(self) -> None:
        """Refuse a damaged file now, with a clear message, instead of a 500 on every route."""
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise StorageCorrupt(f"{self.path} is damaged: {'; '.join(problems)}")

    def _check_file(self) -> None:
        """A write to a file that was deleted or replaced under us would be acknowledged and
        then lost, so compare the file we opened with what the path names now."""
        if _file_id(self.path) != self._identity:
            raise StorageUnavailable(f"the database file {self.path} was deleted or replaced "
                                     "while the server ran")

    @contextmanager
    def transaction(self, write: bool = True, lock: str | None = None) -> Iterator[Tx]:
        with self._lock:
            if not write:
                yield _SQLiteTx(self._db)
                return
            self._check_file()
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _sqlite_error(exc) from exc
            try:
                yield _SQLiteTx(self._db)
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _sqlite_error(exc) from exc
                raise

    def backup(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup API, WAL contents included."""
        destination = sqlite3.connect(target)
        try:
            with self._lock:
                self._db.backup(destination)
        finally:
            destination.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()


# --- PostgreSQL -----------------------------------------------------------------------------

class _Trip:
    """The connection one call from async code (one trip to a worker thread) uses for its
    statements, taken at the first of them."""

    def __init__(self, db: PostgresDatabase, stack: ExitStack):
        self.db = db
        self.stack = stack
        self.conn: Any = None


# each worker thread has its own context, so a trip is seen only by its own thread
_TRIP: ContextVar[_Trip | None] = ContextVar("interviewer_pg_trip", default=None)


def _pg_sql(sql: str) -> str:
    return sql.replace("?", "%s")


class _PgTx(Tx):
    def __init__(self, conn: Any):
        self.conn = conn

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        import psycopg

        try:
            return self.conn.execute(_pg_sql(sql), tuple(params))
        except psycopg.IntegrityError as exc:
            raise Duplicate(str(exc)) from exc
        except psycopg.Error as exc:
            raise StorageUnavailable(f"the database could not be used: {exc}") from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self._run(sql, params).fetchone()

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._run(sql, params).fetchall()


class PostgresDatabase(Database):
    """A pool of psycopg 3 connections; every process and host shares the one database."""

    dialect = "postgresql"
    _open: weakref.WeakSet[PostgresDatabase] = weakref.WeakSet()

    def __init__(self, url: str, pool_size: int = 10):
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool, PoolTimeout

        self.url = url
        self.migration_url = "postgresql+psycopg://" + url.split("://", 1)[1]
        self.threads = pool_size  # one per connection: a thread never waits for one
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=False,
                                    kwargs={"autocommit": True, "row_factory": dict_row},
                                    timeout=30, name="interviewer")
        self._pool.open()
        try:
            self._pool.wait(timeout=10)
        except PoolTimeout as exc:
            self._pool.close()
            raise StorageUnavailable(f"cannot connect to PostgreSQL at {_redact(url)}") from exc
        PostgresDatabase._open.add(self)

    @classmethod
    def close_all(cls, url: str) -> None:
        """Close every pool on `url` in this process (tests drop their database after)."""
        for db in list(cls._open):
            if db.url == url:
                db.close()

    @contextmanager
    def trip(self) -> Iterator[None]:
        """One call from async code (`Store.run`): its statements share one pooled
        connection, taken at the first and given back at the end, where each statement
        took and gave back its own (the pool's part was a fifth of the client's CPU for a
        statement, profiled). Whatever the trip did is committed statement by statement or
        transaction by transaction as before: only the connection is shared."""
        if _TRIP.get() is not None:
            yield
            return
        with ExitStack() as stack:
            token = _TRIP.set(_Trip(self, stack))
            try:
                yield
            finally:
                _TRIP.reset(token)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """The trip's connection if it has one free (not in a transaction, which another
        statement must not join); else one of its own from the pool."""
        import psycopg

        trip = _TRIP.get()
        if trip is not None and trip.db is self:
            if trip.conn is None:
                trip.conn = trip.stack.enter_context(self._pool.connection())
            if trip.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                yield trip.conn
                return
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self, write: bool = True, lock: str | None = None) -> Iterator[Tx]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._connection() as conn, conn.transaction():
                tx = _PgTx(conn)
                if lock is not None:
                    tx.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (lock,))
                yield tx
        except PoolTimeout as exc:
            raise StorageUnavailable("no database connection was free in time") from exc
        except psycopg.Error as exc:  # BEGIN or COMMIT failed, or the connection broke
            raise StorageUnavailable(f"the database could not be used: {exc}") from exc

    @contextmanager
    def _autocommit(self) -> Iterator[Tx]:
        """One statement on its own: atomic by itself, so no BEGIN/COMMIT round trips."""
        from psycopg_pool import PoolTimeout

        try:
            with self._connection() as conn:
                yield _PgTx(conn)
        except PoolTimeout as exc:
            raise StorageUnavailable("no database connection was free in time") from exc

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._autocommit() as tx:
            return tx.fetchone(sql, params)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._autocommit() as tx:
            return tx.fetchall(sql, params)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._autocommit() as tx:
            return tx.execute(sql, params)

    def close(self) -> None:
        self._pool.close()


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        creds, _, host = rest.rpartition("@")
        rest = f"{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else rest
    return f"{scheme}://{rest}"


def open_database(target: str | Path) -> Database:
    """SQLite for a path or `sqlite:///path`, PostgreSQL for `postgresql://…`."""
    value = str(target)
    if value.startswith(POSTGRES_SCHEMES):
        return PostgresDatabase(value)
    if value.startswith("sqlite:///"):
        value = value[len("sqlite:///"):]
    elif "://" in value:
        raise ValueError(f"INTERVIEWER_DB: use a file path, sqlite:///path or postgresql://…, "
                         f"not {value.split(':')[0]}")
    return SQLiteDatabase(Path(value).expanduser())
