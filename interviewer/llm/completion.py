"""Reading a chat-completion body ourselves, so nothing a server sends can crash a grade.

The SDK trusts the server: a 200 with HTML or broken JSON raised an unhandled error, and a
20 MB reply was read whole. The grader reads at most a fixed number of bytes and turns
anything that is not a chat completion into `Malformed`, which it treats like any other
unusable reply.
"""

from __future__ import annotations

import json
from typing import Any

from interviewer.llm.schema import BadVerdict
from interviewer.scoring import Usage


class Malformed(BadVerdict):
    """The HTTP reply is not a chat completion (HTML, broken JSON, too large)."""


def short(text: str, limit: int = 200) -> str:
    """Text on one line, cut to `limit` characters, for an error message."""
    return " ".join(text.split())[:limit]


def parse_completion(body: bytes, content_type: str) -> tuple[str, dict[str, Any] | None]:
    """The message text and usage of a chat completion body; Malformed if it is not one."""
    if "json" not in content_type.lower():
        raise Malformed(f"the server replied with {content_type or 'no content type'}, "
                        f"not a chat completion: {short(body[:200].decode('utf-8', 'replace'))}")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Malformed("the server's reply is not valid JSON") from None
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise Malformed("the server's reply has no choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    usage = data.get("usage")
    return (content if isinstance(content, str) else ""), \
        (usage if isinstance(usage, dict) else None)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def reported_usage_of(reported: Any) -> Usage | None:
    """The usage a server reported, from our own parse (a dict) or the SDK's object."""
    if isinstance(reported, dict):
        details = reported.get("prompt_tokens_details")
        return Usage(prompt_tokens=_count(reported.get("prompt_tokens")),
                     completion_tokens=_count(reported.get("completion_tokens")),
                     cached_tokens=_count(details.get("cached_tokens"))
                     if isinstance(details, dict) else 0)
    if reported is None:
        return None
    details = getattr(reported, "prompt_tokens_details", None)
    return Usage(prompt_tokens=_count(reported.prompt_tokens),
                 completion_tokens=_count(reported.completion_tokens),
                 cached_tokens=_count(details.cached_tokens) if details else 0)
