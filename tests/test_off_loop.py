"""No database call of an answered turn holds the event loop while it waits on a network.

One server process serves every request on one event loop. A store call made on it holds
every other request for its whole round trip, which is how PostgreSQL with one worker
missed its latency bar. On PostgreSQL each database call an answer makes (owner check,
answer, rate window, idempotency key, lease, token spend, grade, next turn, "seen" mark) is
made to wait, one at a time, until a second request has been answered. Run in a worker
thread, the wait stalls nobody and the second request finishes first. Run on the loop,
nothing else can run: the wait gives up after a while, the first request goes on, and only
then the second one is answered. The test compares the order of those events, never a
duration.

SQLite is different, on purpose: its calls are in-process and take microseconds, less than
the trip to a thread (1-2 ms of CPU a turn in paired load runs), so they run inline, and a
test says so, on both backends. What must never hold the loop on either is waiting for
something another request holds: a busy lease is waited for with `asyncio.sleep`, and a
test holds one while another candidate is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from interviewer.library import default_library
from interviewer.llm.ledger import Ledger
from interviewer.models.base import GradeRequest, TurnRequest
from interviewer.scoring import AnswerGrade, Usage
from interviewer.settings import Settings
from interviewer.storage import Store
from interviewer.web.app import create_app
from tests.backends import fresh_postgres
from tests.conftest import make_service
from tests.fakes import FakeModel

pytestmark = pytest.mark.both_backends
GIVE_UP = 30.0  # seconds a held call waits for the other request before it goes on anyway
ANSWER = "I would start from the developers who depend on it and what they need from it."


@pytest.fixture
def threaded() -> Any:
    """A fresh PostgreSQL database: the backend whose calls run in worker threads, so a
    call can be held there while the loop goes on (SQLite's run inline: see
    `test_sqlite_calls_run_inline_and_postgresql_calls_in_threads`)."""
    with fresh_postgres() as url:
        yield url


class MeteredFake(FakeModel):
    """The fake model, counting its tokens in a ledger as the LLM model does, so a turn
    also reads and writes the interview's token spend in the database."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger(cap=10**9)

    def resume_spend(self, interview_id: str, tokens: int) -> None:
        self.ledger.resume(interview_id, tokens)

    def turn_usage(self, interview_id: str) -> Usage | None:
        return self.ledger.take_turn(interview_id)

    async def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        self.ledger.check(request.interview_id, 100)
        self.ledger.charge(request.interview_id, Usage(prompt_tokens=80, completion_tokens=20))
        async for piece in super().phrase(request):
            yield piece

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        self.ledger.check(request.interview_id, 300)
        self.ledger.charge(request.interview_id, Usage(prompt_tokens=250, completion_tokens=50))
        return await super().grade(request)


class Gate:
    """Counts the database calls made once armed; the `hold_at`-th waits in `entered` until
    `release` is set (or GIVE_UP passes), noting in `events` how it ended."""

    def __init__(self, give_up: float = GIVE_UP) -> None:
        self.give_up = give_up
        self.calls = 0
        self.hold_at: int | None = None
        self.entered = threading.Event()
        self.release = threading.Event()
        self.events: list[str] = []

    def arm(self, hold_at: int | None) -> None:
        self.calls, self.hold_at = 0, hold_at
        self.entered.clear()
        self.release.clear()
        self.events.clear()

    def __call__(self) -> None:
        self.calls += 1
        if self.calls != self.hold_at:
            return
        self.events.append("held")
        self.entered.set()
        released = self.release.wait(self.give_up)
        self.events.append("released" if released else "gave up")


def _gated(db: Any, gate: Callable[[], None]) -> None:
    """Every way the store reaches the database passes the gate first, once per call (on
    SQLite `execute` opens a `transaction`: that is still one call)."""
    inside = threading.local()
    for name in ("transaction", "execute", "fetchone", "fetchall"):
        method: Callable[..., Any] = getattr(db, name)

        def wrapped(*args: Any, _method: Callable[..., Any] = method, **kwargs: Any) -> Any:
            depth = getattr(inside, "depth", 0)
            if not depth:
                gate()
            inside.depth = depth + 1
            try:
                return _method(*args, **kwargs)
            finally:
                inside.depth = depth

        setattr(db, name, wrapped)


async def _start(client: httpx.AsyncClient) -> dict:
    response = await client.post("/api/interviews", json={"questions": 2, "model": "fake"})
    assert response.status_code == 201, response.text
    return response.json()


async def _answer(client: httpx.AsyncClient, state: dict, key: str) -> httpx.Response:
    return await client.post(f"/api/interviews/{state['id']}/answers",
                             json={"text": ANSWER, "turn": state["current"]["turn"]},
                             headers={"Idempotency-Key": key})


async def _scenario(backend: str) -> list[tuple[int, list[str]]]:
    """For each database call of an answer in turn: the order of events when it is held."""
    settings = Settings(_env_file=None, INTERVIEWER_DB=backend, INTERVIEWER_RATE_LIMIT=10**6)
    service = make_service(settings, default_library(), MeteredFake())
    gate = Gate()
    _gated(service.store.db, gate)
    app = create_app(settings, service)
    transport = httpx.ASGITransport(app=app)
    orders: list[tuple[int, list[str]]] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        counted = await _start(client)
        gate.arm(None)  # count the calls of one answer, holding none
        response = await _answer(client, counted, "count")
        assert response.status_code == 200, response.text
        calls = gate.calls
        assert calls >= 10  # the owner check, the answer, the lease, the grade, the turn...
        for hold_at in range(1, calls + 1):
            first, other = await _start(client), await _start(client)
            gate.arm(hold_at)
            answering = asyncio.create_task(_answer(client, first, f"k{hold_at}"))
            await asyncio.to_thread(gate.entered.wait, GIVE_UP * 2)
            # another candidate's answer, which needs the store as much as the first
            seen = await _answer(client, other, f"other{hold_at}")
            assert seen.status_code == 200, seen.text
            gate.events.append("other answered")
            gate.release.set()
            response = await answering
            assert response.status_code == 200, response.text
            orders.append((hold_at, list(gate.events)))
    service.store.close()
    return orders


def test_a_slow_database_call_of_one_answer_stalls_no_other_request(threaded: str) -> None:
    orders = asyncio.run(_scenario(threaded))
    stalled = [(n, events) for n, events in orders
               if events != ["held", "other answered", "released"]]
    assert not stalled, f"database calls made on the event loop (call number, events): {stalled}"


def test_the_gate_catches_a_call_made_on_the_event_loop(backend: str) -> None:
    """The check itself: the same store call made straight from a coroutine is caught."""
    store = Store(backend)
    gate = Gate(give_up=0.5)
    _gated(store.db, gate)

    async def run() -> list[str]:
        gate.arm(1)

        async def blocking() -> None:
            store.count_owned("someone")  # on the loop, as the routes used to

        task = asyncio.create_task(blocking())
        await asyncio.to_thread(gate.entered.wait, GIVE_UP * 2)
        await asyncio.sleep(0)
        gate.events.append("other answered")
        gate.release.set()
        await task
        return list(gate.events)

    assert asyncio.run(run()) == ["held", "gave up", "other answered"]
    store.close()


async def _cancel_while_held(gate: Gate, task: asyncio.Task[Any]) -> None:
    """Cancel `task` while its gated database call is held, then let the call end."""
    await asyncio.to_thread(gate.entered.wait, GIVE_UP)
    task.cancel()
    await asyncio.sleep(0.05)  # the cancellation is delivered while the call still waits
    gate.events.append("cancelled")
    gate.release.set()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("hold_at", [1, 2], ids=["taking it", "letting it go"])
def test_a_request_cancelled_mid_call_leaves_no_lease_behind(threaded: str, hold_at: int
                                                             ) -> None:
    """Cancelled while the lease is being taken (call 1) or let go (call 2): when the task
    has ended, the lease is free for the next request at once, not after its 30 s expiry."""
    store = Store(threaded)
    gate = Gate()
    _gated(store.db, gate)

    async def run() -> list[str]:
        async def request() -> None:
            async with store.leases.hold("interview:x", ttl=30):
                if hold_at == 1:
                    await asyncio.sleep(60)

        gate.arm(hold_at)
        await _cancel_while_held(gate, asyncio.create_task(request()))
        assert store.leases.try_acquire("interview:x", "next", ttl=30)
        return list(gate.events)

    assert asyncio.run(run()) == ["held", "cancelled", "released"]
    store.close()


def test_token_spend_is_written_in_a_thread_and_committed_before_the_hold_ends(
        threaded: str) -> None:
    """The model charges spend from the event loop: it is queued, not written there, and
    leaving the hold, even cancelled, waits in a worker thread until it has committed."""
    one, other = Store(threaded), Store(threaded)  # `other`: another process's view
    spend = one.token_spend
    gate = Gate()
    _gated(one.db, gate)

    async def run() -> list[str]:
        charged = asyncio.Event()

        async def request() -> None:
            async with spend.holding("iv"):
                await spend.run(spend.spent, "iv")  # as `Store.load` does under the lease
                spend.add("iv", 700)  # as the model does, from the event loop
                spend.raise_to("iv", 500)  # lower: no change, and written after the add
                assert spend.spent("iv") == 700  # known at once, not read back
                charged.set()
                await asyncio.sleep(60)

        gate.arm(2)  # call 1 is the read; call 2 the add's write
        task = asyncio.create_task(request())
        await charged.wait()
        assert gate.calls == 1  # nothing written on the event loop
        task.cancel()
        gate.events.append("cancelled")
        await asyncio.to_thread(gate.entered.wait, GIVE_UP)
        gate.events.append("still writing" if not task.done() else "ended unwritten")
        gate.release.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert other.token_spend.spent("iv") == 700
        return list(gate.events)

    assert asyncio.run(run()) == ["cancelled", "held", "still writing", "released"]
    assert one.token_spend.spent("iv") == 700  # the hold is over: read afresh
    one.close()
    other.close()


def test_sqlite_calls_run_inline_and_postgresql_calls_in_threads(backend: str) -> None:
    """Where each database call of an answered turn runs: on SQLite on the loop's own
    thread (in-process, microseconds: cheaper than the trip to a thread), on PostgreSQL
    never there (each call waits on the network)."""
    threads: list[int] = []
    settings = Settings(_env_file=None, INTERVIEWER_DB=backend, INTERVIEWER_RATE_LIMIT=10**6)
    service = make_service(settings, default_library(), MeteredFake())
    _gated(service.store.db, lambda: threads.append(threading.get_ident()))

    async def run() -> int:
        transport = httpx.ASGITransport(app=create_app(settings, service))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            state = await _start(client)
            threads.clear()
            response = await _answer(client, state, "where")
            assert response.status_code == 200, response.text
        return threading.get_ident()

    loop_thread = asyncio.run(run())
    service.store.close()
    assert len(threads) >= 10  # the owner check, the answer, the lease, the grade, the turn...
    on_loop = sum(ident == loop_thread for ident in threads)
    assert on_loop == (len(threads) if service.store.dialect == "sqlite" else 0), threads


def test_waiting_for_a_busy_lease_stalls_no_other_request(backend: str) -> None:
    """One request holds an interview's lease; a second waits for it; meanwhile a third,
    on another interview, takes and lets go its own. Were the wait to hold the loop, the
    second would give up (Busy) before the third could run."""
    store = Store(backend)
    events: list[str] = []

    async def run() -> None:
        let_go, attempts = asyncio.Event(), 0
        take = store.leases._take

        def counted(*args: Any) -> Any:
            nonlocal attempts
            attempts += 1
            return take(*args)

        store.leases._take = counted  # type: ignore[method-assign]

        async def first() -> None:
            async with store.leases.hold("interview:x", ttl=30):
                events.append("first holds")
                await let_go.wait()

        async def second() -> None:
            async with store.leases.hold("interview:x", ttl=30, wait=5):
                events.append("second holds")

        holding = asyncio.create_task(first())
        while not events:
            await asyncio.sleep(0.001)
        waiting = asyncio.create_task(second())
        while attempts < 3:  # the second has been refused twice and is waiting
            await asyncio.sleep(0.001)
        async with store.leases.hold("interview:y", ttl=30, wait=1):
            events.append("other answered")
        let_go.set()
        await asyncio.gather(holding, waiting)

    asyncio.run(run())
    store.close()
    assert events == ["first holds", "other answered", "second holds"]


@pytest.mark.parametrize("where", ["inside the block", "waiting for it"])
def test_a_request_cancelled_at_any_wait_leaves_no_lease_behind(backend: str, where: str
                                                                ) -> None:
    """The awaits a request can be cancelled at on either backend: inside the block, and
    waiting for a lease another request holds. A cancelled holder lets it go at once; a
    cancelled waiter takes nothing from the holder."""
    store = Store(backend)

    async def run() -> None:
        inside, let_go = asyncio.Event(), asyncio.Event()

        async def request(name: str) -> None:
            async with store.leases.hold("interview:x", ttl=30, wait=30):
                inside.set()
                await (let_go.wait() if name == "holder" else asyncio.sleep(60))

        holder = asyncio.create_task(request("holder"))
        await inside.wait()
        if where == "inside the block":
            holder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await holder
            assert store.leases.try_acquire("interview:x", "next", ttl=30)
            return
        inside.clear()
        waiter = asyncio.create_task(request("waiter"))
        await asyncio.sleep(0.05)  # refused at least once: it waits
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        assert not inside.is_set()
        assert not store.leases.try_acquire("interview:x", "next", ttl=30)  # still held
        let_go.set()
        await holder
        assert store.leases.try_acquire("interview:x", "next", ttl=30)

    asyncio.run(run())
    store.close()


def test_token_spend_charged_on_the_loop_is_queued_and_committed_when_cancelled(
        backend: str) -> None:
    """The model charges spend from the event loop mid-request: it is kept and queued, not
    written then, and a request cancelled inside the hold still commits it as it ends."""
    one, other = Store(backend), Store(backend)  # `other`: another process's view
    spend = one.token_spend
    gate = Gate()
    _gated(one.db, gate)

    async def run() -> None:
        charged = asyncio.Event()

        async def request() -> None:
            async with spend.holding("iv"):
                await spend.run(spend.spent, "iv")  # as `Store.load` does under the lease
                spend.add("iv", 700)
                spend.raise_to("iv", 500)  # lower: no change, and written after the add
                assert spend.spent("iv") == 700  # known at once, not read back
                charged.set()
                await asyncio.sleep(60)

        gate.arm(None)
        task = asyncio.create_task(request())
        await charged.wait()
        assert gate.calls == 1  # the read; nothing written yet
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert other.token_spend.spent("iv") == 700

    asyncio.run(run())
    assert one.token_spend.spent("iv") == 700
    one.close()
    other.close()
