"""Keeping each request inside the model's context: old exchanges go first, never the
rubric (it is in the system message) and never the latest answer."""

from __future__ import annotations

from collections.abc import Callable

from interviewer.models.base import Exchange
from interviewer.tokens import count_messages, most_tokens

Messages = list[dict[str, str]]
Builder = Callable[[list[Exchange], int], Messages]  # (exchanges kept, how many left out)


class ContextTooSmall(ValueError):
    """Even the rubric and the latest answer alone do not fit the context budget."""


def prompt_budget(context_tokens: int, reply_tokens: int) -> int:
    """Tokens the prompt may use once the reply has its room (at most half the context)."""
    return context_tokens - min(reply_tokens, context_tokens // 2)


def fit_exchanges(build: Builder, exchanges: list[Exchange], limit: int, model: str
                  ) -> tuple[Messages, int]:
    """Messages within `limit` tokens, dropping the oldest exchanges first, and their size:
    an upper bound (`most_tokens`) when that fits, else the exact count. An exchange is
    dropped only when the exact count does not fit."""
    dropped = 0
    while True:
        messages = build(exchanges[dropped:], dropped)
        used = most_tokens(messages, model)
        if used > limit:
            used = count_messages(messages, model)
        if used <= limit:
            return messages, used
        if dropped >= len(exchanges) - 1:
            raise ContextTooSmall(f"the prompt needs {used:,} tokens but the context budget "
                                  f"leaves {limit:,} (INTERVIEWER_CONTEXT_TOKENS)")
        dropped += 1
