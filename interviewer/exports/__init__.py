"""A scorecard to keep or share: the whole interview as Markdown, JSON or PDF.

`document.build` gathers everything once into plain data; each format only lays it out, so
the three never disagree about what the interview said or how it was graded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

FORMATS = ("md", "json", "pdf")
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "json": "application/json",
               "pdf": "application/pdf"}


@dataclass(frozen=True)
class Export:
    body: bytes
    media_type: str
    filename: str


def render(doc: dict[str, Any], fmt: str) -> Export:
    """The document in one of FORMATS; ValueError names the allowed ones for any other."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt == "md":
        from interviewer.exports.markdown import to_markdown

        body = to_markdown(doc).encode("utf-8")
    elif fmt == "json":
        body = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        from interviewer.exports.pdf import to_pdf

        body = to_pdf(doc)
    return Export(body, MEDIA_TYPES[fmt], f"interview-{doc['interview']['id']}.{fmt}")
