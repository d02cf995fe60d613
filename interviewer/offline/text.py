"""Text handling for the offline grader: verbatim sentences, tokens and a light stemmer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from interviewer.offline.lexicon import LEXICON

ENGLISH = LEXICON.english

_ABBREVIATIONS = frozenset(ENGLISH.abbreviations.split())
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space, or at a line break.
# `(?<!\s)` starts the line-break branch only where a run of whitespace starts, so a long run
# with no line break in it is scanned once, not once from every position inside it.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+|(?<!\s)\s*\n\s*")
_BULLET = re.compile(r"^(?:[-*\u2022\u2013>]+|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_BULLET_ONLY = re.compile(r"\s*+(?:[-*\u2022\u2013>]++|\(?\d{1,2}[.)]|\(?[a-z][.)])\s*+")
_CLOSERS = ".\"')]"
# A stop followed by a lower-case word ends a sentence only after this many words: transcribed
# speech is often all lower case ("so we shipped it. then the big teams..."), but a short
# piece before a stop is more likely an abbreviation or a list label than a sentence.
LOWERCASE_SPLIT_WORDS = 6
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_CONTRACTIONS = (
    (re.compile(r"\bcan['\u2019]t\b"), "can not"),
    (re.compile(r"\bwon['\u2019]t\b"), "will not"),
    (re.compile(r"n['\u2019]t\b"), " not"),
    (re.compile(r"['\u2019](?:s|re|ll|ve|d|m)\b"), ""),
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence exactly as written (`text` is a substring of the answer) and where it starts."""

    text: str
    start: int


def _ends_with_abbreviation(segment: str) -> bool:
    """True when the word before a full stop is an abbreviation or a lone initial.

    `segment` is the text since the previous boundary, so the cost stays linear however many
    boundaries are merged into one sentence. A stop with no word before it (`. .`) ends the
    sentence: it is a typo, not an abbreviation."""
    before = segment.rstrip(_CLOSERS).rsplit(None, 1)
    last = before[-1].lower().lstrip("(\"'[") if before else ""
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _ends_with_dotted_word(segment: str) -> bool:
    """The stop closes a word with stops inside it ("2 a.m.", "the U.S."): before a lower-case
    word it is that word's own stop, not the sentence's ("at 2 a.m. to free up slots")."""
    before = segment.rstrip(_CLOSERS).rsplit(None, 1)
    parts = (before[-1].lstrip("(\"'[") if before else "").split(".")
    return len(parts) > 1 and all(p.isalpha() and len(p) <= 3 for p in parts)


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans between sentence boundaries, merging splits after abbreviations."""
    spans: list[tuple[int, int]] = []
    start = previous = 0
    for m in _BOUNDARY.finditer(text):
        segment, previous = text[previous:m.start()], m.end()
        newline = "\n" in m.group()
        if not newline and segment.endswith(".") and _ends_with_abbreviation(segment):
            continue
        lower_next = not newline and m.end() < len(text) and text[m.end()].islower()
        if lower_next and (_ends_with_dotted_word(segment)
                           or len(segment.split()) < LOWERCASE_SPLIT_WORDS):
            continue
        if _BULLET_ONLY.fullmatch(text, start, m.start()):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences, each an exact substring of `text` with list markers dropped."""
    out: list[Sentence] = []
    for start, end in _pieces(text):
        piece = text[start:end]
        stripped = piece.strip()
        if not stripped:
            continue
        offset = start + len(piece) - len(piece.lstrip())
        bullet = _BULLET.match(stripped)
        if bullet and bullet.end() < len(stripped):
            offset += bullet.end()
            stripped = stripped[bullet.end():]
        if any(ch.isalnum() for ch in stripped):
            out.append(Sentence(stripped, offset))
    return out


def normalise(text: str) -> str:
    """Lower-case text with contractions expanded and typographic quotes folded."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


def words(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated words split, version-like tokens kept whole."""
    out = []
    for w in _WORD.findall(normalise(text)):
        out.extend(w.replace("'", "").split(".") if not _is_number(w) else [w])
    return [w for w in out if w]


def _is_number(w: str) -> bool:
    return w.replace(".", "").isdigit()


_VOWELS = frozenset("aeiouy")
_STEP2 = (  # longest first; each replaces the suffix with what follows it
    ("izations", ""), ("ization", ""), ("ational", ""), ("ability", ""), ("ibility", ""),
    ("fulness", ""), ("iveness", ""), ("ousness", ""), ("ations", ""), ("ation", ""),
    ("ements", ""), ("ement", ""), ("ments", ""), ("ment", ""), ("ities", ""), ("ity", ""),
    ("ances", ""), ("ences", ""), ("ance", ""), ("ence", ""), ("ancy", ""), ("ency", ""),
    ("ness", ""), ("able", ""), ("ible", ""), ("izer", ""), ("ize", ""), ("ise", ""),
    ("ful", ""), ("ive", ""), ("ous", ""), ("ions", ""), ("ion", ""), ("ally", ""),
    ("ical", ""), ("ic", ""), ("al", ""), ("ers", ""), ("er", ""), ("ors", ""), ("or", ""),
    ("ates", ""), ("ate", ""), ("ant", ""), ("ent", ""), ("ism", ""), ("ist", ""),
    ("ly", ""),
)
# Word forms the rules cannot reach (prompts/offline/lexicon.yaml, `english:`).
_IRREGULAR = ENGLISH.irregular_stems


def _has_vowel(s: str) -> bool:
    return any(c in _VOWELS for c in s)


def _strip_inflection(w: str) -> str:
    """Plural, -ed and -ing endings, restoring a final e where Porter would."""
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix in ("ing", "ed"):
        base = w[: -len(suffix)]
        if w.endswith(suffix) and len(base) >= 3 and _has_vowel(base):
            if base.endswith(("at", "bl", "iz", "is")):
                return base + "e"
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                return base[:-1]
            return base
    return w


def _strip_derivation(w: str) -> str:
    """One derivational suffix, kept only when a stem of three or more letters remains."""
    for suffix, repl in _STEP2:
        if w.endswith(suffix):
            base = w[: -len(suffix)] + repl
            if len(base) >= 3 and _has_vowel(base[:-1] if len(base) > 1 else base):
                return base
            return w
    return w


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light Porter-style stem: limits/limiting/limited -> limit, migration/migrate -> migr."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    w = _strip_inflection(word)
    w = _strip_derivation(w)
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if w.endswith("y") and len(w) > 3:
        w = w[:-1] + "i"
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


def stems(text: str) -> list[str]:
    """Stemmed word tokens of `text`."""
    return [stem(w) for w in words(text)]
