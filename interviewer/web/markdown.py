"""Model text rendered as Markdown, then sanitised, so it can never carry script or HTML."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
ALLOWED = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "br", "a"}


def render_markdown(text: str) -> Markup:
    """Markdown to safe HTML: raw HTML is escaped by the parser and nh3 keeps only safe tags."""
    html = _md.render(text or "")
    clean = nh3.clean(html, tags=ALLOWED, attributes={"a": {"href"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
