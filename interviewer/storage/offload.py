"""Database calls from async code, run in worker threads so the event loop never waits on one.

The store is synchronous (sqlite3 and psycopg's pool). A call made straight from a coroutine
holds the whole event loop for its round trip: on PostgreSQL with one worker, a third of the
server's busy time was the loop waiting on the network while every other request stood
still. `Offload` runs such calls in a small pool of threads instead, sized to the
connections the database can use at once, so a call waits for a connection in its thread,
never on the loop.

A call that has started is never abandoned half-way: if the awaiting task is cancelled, it
still waits for the call to end before the cancellation goes on. Whatever the call did (a
lease taken, an answer committed) is then done, so the caller's cleanup can rely on it.

With no threads (`Offload(0)`, SQLite's choice) a call runs inline, on the loop. SQLite's
calls are in-process and take microseconds, less than the trip to a thread and back (paired
load runs measured that trip at 1-2 ms of CPU a turn); they never wait on a network. What
must never hold the loop is waiting for something another request holds, and that waiting
is not done in a call: a busy lease is retried after an `asyncio.sleep` (`Leases.hold`). An
inline call cannot be interrupted by a cancellation either: it has no point to suspend at.

PostgreSQL calls made on the server's own loop take a third way (`Offload.bridge`): the
blocking function runs on the loop itself, in a greenlet, and each database round trip in it
hands an awaitable of psycopg's async API to the loop (`wait_for`) and sleeps until it is
done, while other requests run. Under load, each trip to a thread and back cost a request a
wait for the busy loop and for the GIL, which the threads and the loop passed back and forth
at every statement; on the loop there is neither hand-back, and a round trip costs the loop
nothing while it waits. The store's code stays the same blocking code for both databases.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ParamSpec, TypeVar

import greenlet

P = ParamSpec("P")
T = TypeVar("T")


class Offload:
    """A bounded pool of threads for blocking database calls, awaited from the event loop;
    with `threads=0`, the calls run inline."""

    def __init__(self, threads: int, name: str = "interviewer-db",
                 around: Callable[[], AbstractContextManager[object]] = nullcontext):
        self.threads = threads
        self._around = around  # entered around each call, where it runs
        self._pool = (ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
                      if threads else None)
        self._bridged: asyncio.AbstractEventLoop | None = None

    def bridge(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Run calls made on `loop` in a greenlet on it (`wait_for` inside them awaits on the
        loop) instead of in a thread; None: back to threads. The database must then await
        its round trips with `wait_for` when `bridged()`, as `PostgresDatabase` does."""
        self._bridged = loop

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in a worker thread (inline without threads); its result or
        its exception."""
        if self._pool is None:
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()
        call = functools.partial(_inside, self._around, fn, *args, **kwargs)
        if loop is self._bridged:
            return await settled(_in_greenlet(call))
        return await settled(loop.run_in_executor(self._pool, call))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def _inside(around: Callable[[], AbstractContextManager[object]], fn: Callable[P, T],
            /, *args: P.args, **kwargs: P.kwargs) -> T:
    with around():
        return fn(*args, **kwargs)


async def settled(future: Awaitable[T]) -> T:
    """Await `future`, and if this task is cancelled meanwhile, let it finish first.

    `asyncio.shield` keeps the cancellation from reaching the thread's future (a queued call
    would otherwise be dropped); the loop waits it out however often the task is cancelled,
    and then the cancellation is raised.
    """
    inner = asyncio.ensure_future(future)
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError:
        while not inner.done():
            try:
                await asyncio.shield(inner)
            except asyncio.CancelledError:
                continue
            except BaseException:  # noqa: BLE001 - its outcome is the caller's no longer
                break
        raise



class _Bridge(greenlet.greenlet):
    """A blocking call running on the event loop; its parent is the coroutine driving it."""


def bridged() -> bool:
    """Whether this code runs in a call that `Offload` bridges to the event loop: then a
    round trip is awaited with `wait_for`, never blocked on."""
    return isinstance(greenlet.getcurrent(), _Bridge)


def wait_for(awaitable: Awaitable[T]) -> T:
    """From blocking code in a bridged call: suspend it until `awaitable` is done on the
    loop (other requests run meanwhile); its result, or its exception raised here."""
    current = greenlet.getcurrent()
    if not isinstance(current, _Bridge):
        raise RuntimeError("wait_for outside a bridged call would block the event loop")
    assert current.parent is not None
    return current.parent.switch(awaitable)


async def _in_greenlet(call: Callable[[], T]) -> T:
    """Run `call` in a greenlet, awaiting for it each awaitable it hands over (`wait_for`)
    and passing back the result or the exception, until it returns."""
    runner = _Bridge(call)
    handed: Any = runner.switch()
    while not runner.dead:
        try:
            value = await handed
        except BaseException:  # noqa: BLE001 - raised in the call, where it belongs
            handed = runner.throw(*sys.exc_info())
        else:
            handed = runner.switch(value)
    return handed
