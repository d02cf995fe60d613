"""Evidence checks: a quote counts only if the candidate actually wrote it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MIN_QUOTE_WORDS = 3  # shorter fragments ("the API") prove nothing about a criterion
_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_TRIM = " \t\n\"'.,;:…“”‘’"


@dataclass(frozen=True)
class Quote:
    """A verified quote: the candidate's exact text and where it sits in the answer."""

    text: str
    start: int
    end: int

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@lru_cache(maxsize=256)  # one answer is folded once, not once per quote
def fold(text: str) -> tuple[str, tuple[int, ...]]:
    """Text with case, quote marks, dashes and runs of whitespace folded, plus, for each
    folded character, the index in `text` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            continue
        for c in _FOLD.get(ch, ch).casefold():
            out.append(c)
            where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), tuple(where)


def locate(quote: str, answer: str) -> Quote | None:
    """Where `quote` appears in `answer`, tolerating whitespace, case and quote-mark
    differences; None when it does not appear or is too short to be evidence."""
    needle, _ = fold(quote.strip(_TRIM))
    if len(needle.split()) < MIN_QUOTE_WORDS:
        return None
    haystack, where = fold(answer)
    at = haystack.find(needle)
    if at < 0:
        return None
    start, end = where[at], where[at + len(needle) - 1] + 1
    return Quote(answer[start:end], start, end)


def verify_quotes(quotes: list[str], answer: str) -> list[Quote]:
    """The quotes found in the answer, each as the candidate wrote it, without repeats."""
    found: list[Quote] = []
    for quote in quotes:
        hit = locate(quote, answer)
        if hit is not None and all(hit.text != q.text for q in found):
            found.append(hit)
    return found
