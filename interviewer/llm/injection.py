"""Keeping the candidate's answer as data: unforgeable delimiters and a code-side check for
sentences that address the grader instead of answering the question."""

from __future__ import annotations

import re
import secrets

from interviewer.offline import INJECTION_FLAG
from interviewer.offline.injection import is_instruction_to_grader
from interviewer.offline.text import split_sentences

__all__ = ["INJECTION_FLAG", "fence", "injected_spans", "new_tag"]

# anything that looks like one of our delimiters, so an answer cannot close its own block
_TAG_LIKE = re.compile(r"</?\s*answer[-_\w]*\s*>", re.IGNORECASE)


def new_tag() -> str:
    """A delimiter name no answer can guess: fresh random bits for every request."""
    return f"answer-{secrets.token_hex(8)}"


def fence(text: str, tag: str) -> str:
    """`text` between <tag> and </tag>, with anything tag-like inside it defused."""
    safe = _TAG_LIKE.sub("[tag removed]", text).replace(tag, "[tag removed]")
    return f"<{tag}>\n{safe}\n</{tag}>"


def injected_spans(answer: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in the answer that tries to instruct the grader or to
    close the block it is quoted in."""
    return [(s.start, s.start + len(s.text)) for s in split_sentences(answer)
            if is_instruction_to_grader(s.text) or _TAG_LIKE.search(s.text)]
