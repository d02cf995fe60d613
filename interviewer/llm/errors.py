"""How a model request can end short of an answer, in words the grader's fallback note uses."""

from __future__ import annotations

from interviewer.scoring import Usage


class Rejected(Exception):
    """The server refused the request itself (400/422, or an unsupported response_format)."""


class TimedOut(Exception):
    """The request missed its total deadline; it is not retried."""


class ContextExceeded(Exception):
    """The server said the prompt is longer than its context."""


class GradeFallback(Exception):
    """The model cannot produce a usable grade; the reason completes "because the model …"."""

    def __init__(self, reason: str, usage: Usage):
        super().__init__(reason)
        self.reason = reason
        self.usage = usage
