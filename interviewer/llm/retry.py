"""Bounded retries: exponential backoff that gives way to a server's Retry-After."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Backoff:
    """Waits of base, 2*base, 4*base... seconds; a Retry-After longer than `ceiling` means
    giving up now rather than keeping the candidate waiting."""

    base: float = 0.5
    ceiling: float = 20.0

    def wait(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry number `attempt` (from 0); None to give up."""
        if retry_after is not None:
            return max(0.0, retry_after) if retry_after <= self.ceiling else None
        return min(self.ceiling, self.base * 2 ** attempt)


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, or `retry-after` as seconds or
    an HTTP date; None when it did not say."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))
