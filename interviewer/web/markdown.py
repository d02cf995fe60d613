"""Model text rendered as Markdown, then sanitised, so it can never carry script, HTML or links."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
# No "a": a link from the model could point anywhere (a phishing page dressed as the coach's
# advice), so nh3 drops the tag and keeps its words as plain text.
ALLOWED = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "br"}


def render_markdown(text: str) -> Markup:
    """Markdown to safe HTML: raw HTML is escaped by the parser, nh3 keeps only safe tags,
    and links become their text."""
    html = _md.render(text or "")
    clean = nh3.clean(html, tags=ALLOWED, attributes={}, url_schemes=set(), link_rel=None)
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
