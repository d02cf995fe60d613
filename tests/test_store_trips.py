"""One call from async code (`Store.run`, one trip to a worker thread) sends its statements on
one pooled connection, taken at the first and given back at the end, instead of taking one
per statement (the pool's part was a fifth of the client's CPU for a statement). Only the
connection is shared: each statement and each transaction still commits on its own, and a
statement made while the trip's connection is inside a transaction gets a connection of its
own, never joining that transaction. On SQLite a trip shares nothing and runs inline.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.engine import Plan, Turn
from interviewer.storage import StorageUnavailable, Store
from interviewer.storage.backends import PostgresDatabase
from tests.backends import fresh_postgres

PLAN = Plan("full", None, None, ("q1", "q2"), "senior")


@pytest.fixture
def store() -> Iterator[Store]:
    """A store on a fresh PostgreSQL database: the backend whose calls run in worker
    threads on pooled connections (SQLite's run inline: the last test)."""
    with fresh_postgres() as url:
        opened = Store(url)
        try:
            yield opened
        finally:
            opened.close()


def _pid(store: Store) -> int:
    return store.db.fetchone("SELECT pg_backend_pid() AS pid")["pid"]


def test_a_trips_statements_share_one_connection_given_back_at_its_end(store: Store) -> None:
    interview_id = store.create(PLAN, "fake")

    def answer() -> list[int]:
        """Statements of every kind an answer sends: single ones, a transaction, a load."""
        pids = [_pid(store)]
        store.add_turn(interview_id, 0, Turn("interviewer", "question", "q1", "Q?"))
        with store.db.transaction() as tx:
            pids.append(tx.fetchone("SELECT pg_backend_pid() AS pid")["pid"])
        store.load(interview_id)
        pids.append(_pid(store))
        return pids

    asked_before = store.db._pool.get_stats().get("requests_num", 0)
    pids = asyncio.run(store.run(answer))
    stats = store.db._pool.get_stats()
    assert len(set(pids)) == 1, pids  # one connection for the whole trip,
    assert stats["requests_num"] - asked_before == 1  # taken from the pool once
    assert stats["pool_available"] == stats["pool_size"]  # and given back at its end
    assert store.load(interview_id).turns[0].turn.text == "Q?"


def test_a_statement_inside_a_trips_transaction_neither_joins_it_nor_waits_for_it(
        store: Store) -> None:
    """A statement made while the trip's connection is in a transaction runs on a connection
    of its own and commits at once: a third connection sees it before the transaction ends,
    and the transaction's own write stays unseen until then."""
    first, second = store.create(PLAN, "fake"), store.create(PLAN, "fake")
    observer = PostgresDatabase(store.db.url, pool_size=1)

    def seen(interview_id: str) -> bool:
        row = observer.fetchone("SELECT finished FROM interviews WHERE id = ?", (interview_id,))
        return bool(row["finished"])

    def nested() -> tuple[int, int, bool, bool]:
        with store.db.transaction() as tx:
            tx.execute("UPDATE interviews SET finished = 1 WHERE id = ?", (first,))
            inner_pid = tx.fetchone("SELECT pg_backend_pid() AS pid")["pid"]
            store.finish(second)  # on its own connection, committed now
            return inner_pid, _pid(store), seen(first), seen(second)

    try:
        inner, other, first_seen, second_seen = asyncio.run(store.run(nested))
        assert inner != other
        assert (first_seen, second_seen) == (False, True)
        assert seen(first)  # committed when the transaction ended
    finally:
        observer.close()


def test_each_trip_has_its_own_connection_when_trips_overlap(store: Store) -> None:
    """Two trips in two worker threads at once never share a connection (nor a transaction):
    each holds its own until it ends."""
    both_in = threading.Barrier(2, timeout=30)

    def trip() -> tuple[int, int]:
        before = _pid(store)
        both_in.wait()  # the other trip now holds its connection too
        return before, _pid(store)

    async def run() -> list[tuple[int, int]]:
        return list(await asyncio.gather(store.run(trip), store.run(trip)))

    (a1, a2), (b1, b2) = asyncio.run(run())
    assert a1 == a2 and b1 == b2 and a1 != b1


def test_a_trip_after_a_broken_connection_gets_a_working_one(store: Store) -> None:
    """The trip's connection dies mid-trip (the server ends its session): that statement
    fails as StorageUnavailable, and the trip's next statement runs on a fresh connection."""
    killer = PostgresDatabase(store.db.url, pool_size=1)

    def trip() -> tuple[int, int]:
        doomed = _pid(store)
        killer.fetchone("SELECT pg_terminate_backend(?) AS gone", (doomed,))
        with pytest.raises(StorageUnavailable):
            _pid(store)
        return doomed, _pid(store)

    try:
        doomed, fresh = asyncio.run(store.run(trip))
        assert fresh != doomed
    finally:
        killer.close()


def test_sqlite_calls_share_nothing_and_run_inline(tmp_path: Path) -> None:
    store = Store(tmp_path / "test.db")

    async def run() -> bool:
        loop_thread = threading.get_ident()
        return await store.run(lambda: threading.get_ident() == loop_thread)

    try:
        assert asyncio.run(run())
        interview_id = store.create(PLAN, "fake")
        asyncio.run(store.run(store.add_turn, interview_id, 0,
                              Turn("interviewer", "question", "q1", "Q?")))
        assert store.load(interview_id).turns[0].turn.text == "Q?"
    finally:
        store.close()
