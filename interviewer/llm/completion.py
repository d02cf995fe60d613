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
