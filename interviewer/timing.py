"""How long a request waited on the model, for the Server-Timing header.

The load benchmark (bench/load.py) subtracts the fake model's fixed latency from each turn's
time to get what the app adds. Timed from the client, that figure also holds the load
generator's own delays and the fake model's, all sharing the machine's cores. With
INTERVIEWER_SERVER_TIMING on, the app says what it measured itself (`interviewer.web.timing`):
its whole time on the request and, of that, the time spent waiting on the model, which
`waiting_on_model` adds up here. Off (the default), nothing is timed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# one request's total, a list so that tasks the request starts (which copy the context)
# add to the same figure
_waits: ContextVar[list[float] | None] = ContextVar("interviewer_model_waits", default=None)


def start_request() -> list[float]:
    """Begin adding up this request's model waits; the list's one item is the total (s)."""
    total = [0.0]
    _waits.set(total)
    return total


@contextmanager
def waiting_on_model() -> Iterator[None]:
    """Count the block as time waiting on the model, if the request is being timed."""
    total = _waits.get()
    if total is None:
        yield
        return
    began = time.perf_counter()
    try:
        yield
    finally:
        total[0] += time.perf_counter() - began
