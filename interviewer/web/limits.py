"""Guards for requests that can spend model tokens, and for what the JSON API accepts."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from fastapi import HTTPException, Request

from interviewer.storage.shared import RateLog

WINDOW = 60.0


class RateLimiter:
    """A sliding one-minute window of spending requests per client.

    The server keeps the window in the database (`log`), so every process and host counts
    against one allowance; without a log (unit use only) it counts in memory.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.time,
                 log: RateLog | None = None):
        self.per_minute = per_minute
        self.clock = clock
        self.log = log
        self._events: dict[str, deque[float]] = {}

    def retry_after(self, client: str) -> int | None:
        """Record a request; None if allowed, else whole seconds until one is."""
        now = self.clock()
        if self.log is not None:
            return self.log.retry_after(client, self.per_minute, now)
        events = self._events.setdefault(client, deque())
        while events and events[0] <= now - WINDOW:
            events.popleft()
        if len(events) >= self.per_minute:
            return max(1, math.ceil(events[0] + WINDOW - now))
        events.append(now)
        return None


def spend_wait(request: Request, model_name: str) -> int | None:
    """Seconds this client must wait before grading or asking again; None when it may.

    The offline model counts too: it spends no tokens, but its grading spends server CPU.
    """
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter.retry_after(request.client.host if request.client else "unknown")


def too_many(wait: int, saved: bool = False) -> HTTPException:
    kept = "Your answer is saved. " if saved else ""
    return HTTPException(429, f"{kept}Too many model requests from this client; try again in "
                              f"{wait} seconds", headers={"Retry-After": str(wait)})


def check_spend(request: Request, model_name: str, saved: bool = False) -> None:
    """Refuse with 429 and Retry-After when this client has spent its minute's allowance."""
    wait = spend_wait(request, model_name)
    if wait is not None:
        raise too_many(wait, saved)


async def require_json(request: Request) -> None:
    """The JSON API takes only JSON, which a cross-site form cannot send."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json":
        return
    if not content_type and not await request.body():
        return  # a bodiless POST, e.g. `curl -X POST .../finish`
    raise HTTPException(415, "send the request body as JSON with "
                             "'Content-Type: application/json'")
