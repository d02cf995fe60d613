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
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Offload:
    """A bounded pool of threads for blocking database calls, awaited from the event loop;
    with `threads=0`, the calls run inline."""

    def __init__(self, threads: int, name: str = "interviewer-db",
                 around: Callable[[], AbstractContextManager[object]] = nullcontext):
        self.threads = threads
        self._around = around  # entered in the thread around each call (`Database.trip`)
        self._pool = (ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
                      if threads else None)

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in a worker thread (inline without threads); its result or
        its exception."""
        if self._pool is None:
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()
        call = functools.partial(_inside, self._around, fn, *args, **kwargs)
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

