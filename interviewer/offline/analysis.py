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
from interviewer.offline.matching import (
    CompiledRubric,
    concept_in,
    concept_near,
    content_stems,
    positions,
)
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
    hard: tuple[frozenset[int], ...]  # per criterion: concepts a phrase matched exactly
    near: tuple[frozenset[int], ...]  # per criterion: concepts matched only loosely


@dataclass(frozen=True, slots=True)
class Reading:
    """The whole answer as the grader read it."""

    sentences: tuple[Analysed, ...]
    injected: tuple[Sentence, ...]
    prose_share: float
    relevance: float
    topic_concepts: int
    asked_overlap: int

    @property
    def usable(self) -> tuple[Analysed, ...]:
        """Sentences that may earn credit: not padding."""
        return tuple(s for s in self.sentences if not s.padding)


def sentence_quality(text: str, ws: list[str]) -> float:
    """1.0 for a full sentence, less for fragments, about 0.1 for a bare list of terms."""
    n = len(ws)
    if n == 0:
        return 0.0
    function_share = sum(w in FUNCTION_WORDS for w in ws) / n
    parts = [len(p.split()) for p in _LIST_SEPARATORS.split(text) if p.strip()]
    listed = sum(k for k in parts if k <= 3) / max(1, sum(parts)) if len(parts) >= 4 else 0.0
    if n < 4:
        return 0.2
    if function_share < 0.12:
        return 0.1
    if listed >= 0.6 and function_share < 0.25:
        return 0.2
    if n < 6 or function_share < 0.2:
        return 0.6
    return 1.0


def question_stems(question_text: str, strong_answer: list[str]) -> frozenset[str]:
    """Content stems of the question and its strong-answer points, minus generic words."""
    stems = content_stems(question_text)
    for point in strong_answer:
        stems.extend(content_stems(point))
    return frozenset(s for s in stems if s not in _GENERIC_STEMS and len(s) > 2)


def _matches(rubric: CompiledRubric, where: dict[str, list[int]], content: frozenset[str]
             ) -> tuple[tuple[frozenset[int], ...], tuple[frozenset[int], ...]]:
    hard, near = [], []
    for c in rubric.criteria:
        h = frozenset(i for i, k in enumerate(c.concepts) if concept_in(k, where))
        hard.append(h)
        near.append(frozenset(i for i, k in enumerate(c.concepts)
                              if i not in h and concept_near(k, content)))
    return tuple(hard), tuple(near)


def _analyse(s: Sentence, rubric: CompiledRubric, asked: frozenset[str]) -> Analysed:
    ws = words(s.text)
    stems = [stem(w) for w in ws]
    where = positions(stems)
    content = frozenset(st for w, st in zip(ws, stems, strict=True)
                        if w not in FUNCTION_WORDS and st not in _GENERIC_STEMS)
    hard, near = _matches(rubric, where, content)
    topical = any(h or n for c, h, n in zip(rubric.criteria, hard, near, strict=True)
                  if not c.shared)
    return Analysed(
        sentence=s, where=where, content=content, n_words=len(ws),
        quality=sentence_quality(s.text, ws),
        reasoning=bool(REASONING.search(s.text)), specific=bool(SPECIFIC.search(s.text)),
        signpost=bool(SIGNPOSTS.search(s.text)),
        padding=bool(PADDING.search(s.text)) and len(content & asked) < 2,
        on_topic=topical or bool(content & asked), hard=hard, near=near,
    )


def _topic_concepts(sentences: list[Analysed], rubric: CompiledRubric) -> int:
    """How many distinct concepts of the topic's own criteria the answer names."""
    found: set[tuple[int, int]] = set()
    for s in sentences:
        for ci, c in enumerate(rubric.criteria):
            if not c.shared:
                found.update((ci, k) for k in s.hard[ci] | s.near[ci])
    return len(found)


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
    said = frozenset().union(*(s.content for s in counted))
    return Reading(tuple(kept), tuple(injected), prose, relevance,
                   _topic_concepts(counted, rubric), len(said & asked))
