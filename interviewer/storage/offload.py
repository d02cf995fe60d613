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
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Offload:
    """A bounded pool of threads for blocking database calls, awaited from the event loop."""

    def __init__(self, threads: int, name: str = "interviewer-db"):
        self.threads = threads
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in a worker thread; its result or its exception."""
        loop = asyncio.get_running_loop()
        call = functools.partial(fn, *args, **kwargs)
        return await settled(loop.run_in_executor(self._pool, call))

    def close(self) -> None:
        self._pool.shutdown(wait=True)


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

