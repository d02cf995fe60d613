"""Per-sentence reading of an answer: what each sentence says, and whether it is a real,
on-topic sentence with reasoning or a fragment, a list of terms, padding or an instruction."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.offline.lexicon import (
    FUNCTION_WORDS,
    GENERIC_WORDS,
    PADDING,
    REASONING,
    SIGNPOSTS,
    SPECIFIC,
    is_instruction_to_grader,
)
from interviewer.offline.matching import CompiledRubric, concept_in, content_stems, positions
from interviewer.offline.text import Sentence, split_sentences, stem, words

_LIST_SEPARATORS = re.compile(r"[,;/|\u2022]|\s[-\u2013\u2014]\s|\band\b")
_GENERIC_STEMS = frozenset(stem(w) for w in GENERIC_WORDS)


@dataclass(frozen=True, slots=True)
class Analysed:
    """One sentence of the answer and what the grader read in it."""

    sentence: Sentence
    where: dict[str, list[int]]
    content: frozenset[str]
    n_words: int
    quality: float
    reasoning: bool
    specific: bool
    signpost: bool
    padding: bool
    on_topic: bool


@dataclass(frozen=True, slots=True)
class Reading:
    """The whole answer as the grader read it."""

    sentences: tuple[Analysed, ...]
    injected: tuple[Sentence, ...]
    prose_share: float
    relevance: float
    topic_concepts: int

    @property
    def usable(self) -> tuple[Analysed, ...]:
        """Sentences that may earn credit: not padding."""
        return tuple(s for s in self.sentences if not s.padding)


def sentence_quality(text: str, ws: list[str]) -> float:
    """1.0 for a full sentence, less for fragments, about 0.1 for a bare list of terms."""
    n = len(ws)
    if n == 0:
        return 0.0
    parts = [p for p in _LIST_SEPARATORS.split(text) if p.strip()]
    if len(parts) >= 4 and sum(len(p.split()) <= 3 for p in parts) / len(parts) >= 0.7:
        return 0.1
    function_share = sum(w in FUNCTION_WORDS for w in ws) / n
    if n < 4 or function_share < 0.12:
        return 0.2
    if n < 6 or function_share < 0.22:
        return 0.6
    return 1.0


def question_stems(question_text: str, strong_answer: list[str]) -> frozenset[str]:
    """Content stems of the question and its strong-answer points, minus generic words."""
    stems = content_stems(question_text)
    for point in strong_answer:
        stems.extend(content_stems(point))
    return frozenset(s for s in stems if s not in _GENERIC_STEMS and len(s) > 2)


def _on_topic(where: dict[str, list[int]], content: frozenset[str], rubric: CompiledRubric,
              asked: frozenset[str]) -> bool:
    """On topic: names a concept of the topic or shares two words with the question."""
    if len(content & asked) >= 2:
        return True
    return any(concept_in(k, where) for c in rubric.criteria if not c.shared for k in c.concepts)


def _analyse(s: Sentence, rubric: CompiledRubric, asked: frozenset[str]) -> Analysed:
    ws = words(s.text)
    stems = [stem(w) for w in ws]
    where = positions(stems)
    content = frozenset(st for w, st in zip(ws, stems, strict=True)
                        if w not in FUNCTION_WORDS and st not in _GENERIC_STEMS)
    return Analysed(
        sentence=s, where=where, content=content, n_words=len(ws),
        quality=sentence_quality(s.text, ws),
        reasoning=bool(REASONING.search(s.text)), specific=bool(SPECIFIC.search(s.text)),
        signpost=bool(SIGNPOSTS.search(s.text)),
        padding=bool(PADDING.search(s.text)) and len(content & asked) < 2,
        on_topic=_on_topic(where, content, rubric, asked),
    )


def _topic_concepts(sentences: list[Analysed], rubric: CompiledRubric) -> int:
    """How many distinct concepts of the topic's own criteria the answer names."""
    found = 0
    for c in rubric.criteria:
        if c.shared:
            continue
        found += sum(any(concept_in(k, s.where) for s in sentences if s.quality >= 0.6)
                     for k in c.concepts)
    return found


def read_answer(answer: str, rubric: CompiledRubric, asked: frozenset[str]) -> Reading:
    """Split, classify and match every sentence of an answer; set aside grader instructions."""
    kept: list[Analysed] = []
    injected: list[Sentence] = []
    for s in split_sentences(answer):
        if is_instruction_to_grader(s.text):
            injected.append(s)
        else:
            kept.append(_analyse(s, rubric, asked))
    total = sum(s.n_words for s in kept)
    prose = sum(s.n_words * s.quality for s in kept) / total if total else 0.0
    counted = [s for s in kept if not s.padding]
    relevance = (sum(s.n_words for s in counted if s.on_topic) / total) if total else 0.0
    return Reading(tuple(kept), tuple(injected), prose, relevance,
                   _topic_concepts(counted, rubric))
