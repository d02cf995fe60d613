"""Per-sentence reading of an answer: what each sentence says, and whether it is a real,
on-topic sentence with reasoning or a fragment, a list of terms, padding or an instruction."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from interviewer.offline.injection import separate
from interviewer.offline.lexicon import (
    CONTRAST,
    DECISION,
    FUNCTION_WORDS,
    HEDGE,
    PADDING,
    PLATFORM_WORDS,
    REASONING,
    SIGNPOSTS,
    SPECIFIC,
    VAGUE_WORDS,
)
from interviewer.offline.matching import (
    GENERIC_STEMS,
    CompiledRubric,
    concept_in,
    concept_near,
    content_stems,
    positions,
)
from interviewer.offline.text import Sentence, stem, words

_LIST_SEPARATORS = re.compile(r"[,;/|\u2022]|\s[-\u2013\u2014]\s|\band\b")
_PLATFORM_STEMS = frozenset(stem(w) for w in PLATFORM_WORDS)

VAGUE_WEIGHT = 3.0  # each point of vague-word share takes this much off a sentence's substance
MIN_SUBSTANCE_FACTOR = 0.2
VAGUE_IN_GENERIC = 4.0  # weight of the abstract-word share in the answer's generic score
TYPICAL_CONTENT_WORDS = 8  # a sentence this full counts once; fuller ones count a bit more
MIN_SIZE_FACTOR = 0.7
MAX_SIZE_FACTOR = 1.3


@dataclass(frozen=True, slots=True)
class Analysed:
    """One sentence of the answer and what the grader read in it."""

    sentence: Sentence
    where: dict[str, list[int]]
    content: frozenset[str]
    n_words: int
    n_content: int
    n_domain: int  # content words from the question, the topic's concepts or platform work
    n_vague: int
    quality: float
    reasoning: bool
    specific: bool
    contrast: bool
    decision: bool
    hedge: bool
    signpost: bool
    padding: bool
    asked: bool  # shares a word with the question
    hard: tuple[frozenset[int], ...]  # per criterion: concepts a phrase matched exactly
    near: tuple[frozenset[int], ...]  # per criterion: concepts matched only loosely
    on_topic: bool = False  # about the question's subject, itself or as a continuation
    novelty: float = 1.0  # 0 when every content word was already said earlier

    @property
    def names_subject(self) -> bool:
        """Uses a word of the question, the topic's concepts or platform work."""
        return self.asked or self.n_domain >= 1 or any(self.hard) or any(self.near)

    @property
    def substance(self) -> float:
        """0..1: how much real content the sentence carries (prose, concrete, not vague)."""
        if self.padding or not self.on_topic:
            return 0.0
        vague = self.n_vague / max(1, self.n_content)
        factor = max(MIN_SUBSTANCE_FACTOR, 1 - VAGUE_WEIGHT * vague)
        size = min(MAX_SIZE_FACTOR, max(MIN_SIZE_FACTOR, self.n_content / TYPICAL_CONTENT_WORDS))
        return (self.quality * factor * self.novelty * size
                * (0.6 + 0.2 * self.reasoning + 0.2 * self.specific))


@dataclass(frozen=True, slots=True)
class Reading:
    """The whole answer as the grader read it."""

    sentences: tuple[Analysed, ...]
    injected: tuple[Sentence, ...]
    prose_share: float
    domain_share: float  # share of content words that belong to the subject
    asked_share: float  # share of sentences that pick up a word of the question
    vague_share: float
    hedge_share: float  # share of sentences that only prescribe in general terms ("we should")

    @property
    def usable(self) -> tuple[Analysed, ...]:
        """Sentences that may earn credit: not padding."""
        return tuple(s for s in self.sentences if not s.padding)

    @property
    def generic(self) -> float:
        """How much the answer speaks in principles: hedged sentences plus abstract words."""
        return self.hedge_share + VAGUE_IN_GENERIC * self.vague_share

    @property
    def depth(self) -> float:
        """Summed substance of the answer's sentences, damped when the answer is mostly vague."""
        return sum(s.substance for s in self.sentences) * max(0.3, 1 - 2 * self.vague_share)


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
    return frozenset(s for s in stems if s not in GENERIC_STEMS and len(s) > 2)


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
    pairs = [(w, st) for w, st in zip(ws, stems, strict=True)
             if w not in FUNCTION_WORDS and st not in GENERIC_STEMS and len(st) > 1]
    kept = [st for _, st in pairs]
    content = frozenset(kept)
    hard, near = _matches(rubric, where, content)
    domain = sum(st in _PLATFORM_STEMS or st in rubric.topic_stems or st in asked for st in kept)
    return Analysed(
        sentence=s, where=where, content=content, n_words=len(ws), n_content=len(kept),
        n_domain=domain, n_vague=sum(w in VAGUE_WORDS for w, _ in pairs),
        quality=sentence_quality(s.text, ws),
        reasoning=bool(REASONING.search(s.text)), specific=bool(SPECIFIC.search(s.text)),
        contrast=bool(CONTRAST.search(s.text)), decision=bool(DECISION.search(s.text)),
        hedge=bool(HEDGE.search(s.text)),
        signpost=bool(SIGNPOSTS.search(s.text)),
        padding=bool(PADDING.search(s.text)) and len(content & asked) < 2,
        asked=bool(content & asked), hard=hard, near=near,
    )


def _with_context(sentences: list[Analysed]) -> list[Analysed]:
    """Mark sentences on topic when they name the subject or continue a sentence that does."""
    out: list[Analysed] = []
    seen: set[str] = set()
    for i, s in enumerate(sentences):
        follows = i > 0 and sentences[i - 1].names_subject and s.quality >= 0.6
        fresh = len(s.content - seen) / len(s.content) if s.content else 0.0
        seen |= s.content
        out.append(replace(s, on_topic=s.names_subject or follows, novelty=min(1.0, 1.5 * fresh)))
    return out


def read_answer(answer: str, rubric: CompiledRubric, asked: frozenset[str]) -> Reading:
    """Split, classify and match every sentence of an answer; set aside grader instructions."""
    clean, injected = separate(answer)
    kept = _with_context([_analyse(s, rubric, asked) for s in clean])
    total = sum(s.n_words for s in kept)
    content = sum(s.n_content for s in kept)
    return Reading(
        sentences=tuple(kept), injected=tuple(injected),
        prose_share=sum(s.n_words * s.quality for s in kept) / total if total else 0.0,
        domain_share=sum(s.n_domain for s in kept) / content if content else 0.0,
        asked_share=sum(s.asked for s in kept) / len(kept) if kept else 0.0,
        vague_share=sum(s.n_vague for s in kept) / content if content else 0.0,
        hedge_share=sum(s.hedge and not (s.specific or any(s.hard)) for s in kept) / len(kept)
        if kept else 0.0)
