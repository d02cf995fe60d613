"""How often a request goes to the database threads, and what rides along.

Every trip to a worker thread ends with a wait for the event loop, and under load those
waits were most of the latency PostgreSQL added with one worker. So the lease's own trips
carry the route's blocking work: the answer is stored in the trip that takes the lease (and
before it), and the next question is stored and the reply made in the trip that lets the
lease go (before it goes). These tests count the trips of one answer and check the order
inside them: the answer is committed before the lease is even asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from interviewer.library import default_library
from interviewer.settings import Settings
from interviewer.storage import Store
from interviewer.web.app import create_app
from tests.conftest import make_service
from tests.fakes import FakeModel

pytestmark = pytest.mark.both_backends
ANSWER = "I would start from the developers who depend on it and what they need from it."


class Trips:
    """Records each trip through `store.run` and the statements made in it."""

    def __init__(self, store: Store) -> None:
        self.trips: list[list[str]] = []
        self.armed = False
        run = store.run

        async def counted(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            if not self.armed:
                return await run(fn, *args, **kwargs)
            statements: list[str] = []
            self.trips.append(statements)
            return await run(self._noting(store, statements, fn), *args, **kwargs)

        counted.close = run.close  # type: ignore[attr-defined]  # `Store.close` calls it
        store.run = counted  # type: ignore[assignment]
        store.leases.run = counted  # type: ignore[assignment]
        store.token_spend.run = counted  # type: ignore[assignment]

    @staticmethod
    def _noting(store: Store, statements: list[str], fn: Callable[..., Any]
                ) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            db = store.db
            saved = {name: getattr(db, name) for name in ("execute", "fetchone", "fetchall")}
            for name, method in saved.items():
                def noted(sql: str, params: Any = (), _method: Any = method) -> Any:
                    statements.append(" ".join(sql.split()[:3]))
                    return _method(sql, params)
                setattr(db, name, noted)
            try:
                return fn(*args, **kwargs)
            finally:
                for name in saved:
                    delattr(db, name)  # back to the class's methods
        return call


def _app(backend: str, model: FakeModel | None = None) -> tuple[TestClient, Store, Trips]:
    settings = Settings(_env_file=None, INTERVIEWER_DB=backend, INTERVIEWER_RATE_LIMIT=10**6)
    service = make_service(settings, default_library(), model or FakeModel())
    return TestClient(create_app(settings, service)), service.store, Trips(service.store)


def _traced_answer(client: TestClient, trips: Trips) -> tuple[dict, Response]:
    """A new interview, then its first answer with every trip to the database recorded."""
    with client:
        state = client.post("/api/interviews", json={"questions": 2, "model": "fake"}).json()
        trips.armed = True
        response = client.post(f"/api/interviews/{state['id']}/answers",
                               json={"text": ANSWER, "turn": state["current"]["turn"]})
        trips.armed = False
    assert response.status_code == 200, response.text
    return state, response


def test_an_answer_makes_three_trips_and_is_stored_before_the_lease_is_asked_for(
        backend: str) -> None:
    client, store, trips = _app(backend)
    state, _ = _traced_answer(client, trips)
    # owner check + answer + rate window + lease + record; grade; next turn + seen + release
    assert len(trips.trips) == 3, trips.trips
    first, last = trips.trips[0], trips.trips[-1]
    assert first.index("INSERT INTO turns") < first.index("INSERT INTO leases")
    assert last.index("INSERT INTO turns") < last.index("DELETE FROM leases")
    assert last[-1] == "DELETE FROM leases"  # the question and its mark, under the lease
    record = store.load(state["id"])
    assert record.turns[-1].turn.role == "interviewer"
    assert record.turns[-1].seen_at is not None  # the reply marked it, under the lease
    assert store.leases.try_acquire(f"interview:{state['id']}", "someone else", 30)
    store.close()


def test_a_new_interview_makes_three_trips(backend: str) -> None:
    client, store, trips = _app(backend)
    with client:
        trips.armed = True
        response = client.post("/api/interviews", json={"questions": 2, "model": "fake"})
        trips.armed = False
    assert response.status_code == 201, response.text
    # the interview; lease + record; first question + seen + release
    assert len(trips.trips) == 3, trips.trips
    assert store.load(response.json()["id"]).turns[0].seen_at is not None
    store.close()


def test_first_runs_once_though_the_lease_was_busy_and_last_runs_before_it_goes(
        backend: str) -> None:
    store = Store(backend)
    leases, name = store.leases, "interview:busy"
    assert leases.try_acquire(name, "another request", 30)
    attempts: list[bool] = []
    real = leases.try_acquire

    def try_acquire(lease: str, holder: str, ttl: float) -> bool:
        taken = real(lease, holder, ttl)
        attempts.append(taken)
        if len(attempts) == 1:
            leases.release(name, "another request")  # free once the first attempt failed
        return taken

    leases.try_acquire = try_acquire  # type: ignore[method-assign]
    firsts: list[int] = []

    async def run() -> tuple[object, object]:
        async with leases.hold(name, then=lambda: "record", first=lambda: firsts.append(1)
                               ) as held:
            held.last = lambda: real(name, "a third", 30)  # still held: refused
        return held.value, held.result

    assert asyncio.run(run()) == ("record", False)
    assert attempts == [False, True]
    assert firsts == [1]
    assert real(name, "a third", 30)  # let go after `last`
    store.close()


def test_last_is_skipped_when_the_block_fails_and_the_lease_still_goes(backend: str) -> None:
    store = Store(backend)
    ran: list[str] = []

    async def run() -> None:
        async with store.leases.hold("interview:fails") as held:
            held.last = lambda: ran.append("last")
            raise ValueError("the model call failed")

    with pytest.raises(ValueError, match="the model call failed"):
        asyncio.run(run())
    assert ran == []
    assert store.leases.try_acquire("interview:fails", "next request", 30)
    store.close()


def test_the_spend_of_the_last_model_call_is_written_before_the_lease_goes(
        backend: str) -> None:
    """The next question's token spend is queued while it is phrased; it is written in the
    trip that lets the lease go, before the lease goes, and nothing is left held."""
    from tests.test_off_loop import MeteredFake

    client, store, trips = _app(backend, MeteredFake())
    state, _ = _traced_answer(client, trips)
    last = trips.trips[-1]
    assert last.index("INSERT INTO token_spend") < last.index("DELETE FROM leases"), last
    assert store.token_spend._held == {} and store.token_spend._queued == {}
    # two questions phrased (100 tokens each) and one answer graded (300)
    fresh = Store(backend)  # as another process reads it
    assert fresh.token_spend.spent(state["id"]) == 500
    fresh.close()
    store.close()
