"""Concept matching: rubric phrases compiled once into stemmed word sequences and found in
sentences, in any order, inside a small window."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from interviewer.library import Criterion, Rubric
from interviewer.offline.lexicon import (
    FUNCTION_WORDS,
    GENERIC_WORDS,
    LOOSE_FUNCTION_WORDS,
    SHARED_CRITERIA,
)
from interviewer.offline.synonyms import table as synonym_table
from interviewer.offline.synonyms import with_terms
from interviewer.offline.text import stem, words

_CACHE_SIZE = 64
_SLACK = 3  # extra words a phrase may be spread over in a sentence
BAG_MAX_SHARED = 2  # a stem in more concepts than this says too little to match loosely
BAG_MIN_HITS = 2  # distinct bag stems a sentence needs for a loose match
GENERIC_STEMS = frozenset(stem(w) for w in GENERIC_WORDS)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A rubric phrase as the stems that must co-occur and the widest span they may cover."""

    stems: tuple[str, ...]
    span: int
    exact: bool = False  # the stems must occur in this order, side by side ("end to end")
    pinned: bool = False  # two or more words that carry meaning, so rarely met by chance


@dataclass(frozen=True, slots=True)
class CompiledConcept:
    """A concept's phrasings, and the bag of its distinctive stems for looser matching."""

    name: str
    phrases: tuple[Phrase, ...]
    bag: frozenset[str] = frozenset()
    wording: tuple[str, ...] = ()  # the phrasings as written, for feedback to quote
    plain: tuple[Phrase, ...] = ()  # everyday paraphrases: matched, never loosely or as topic

    @property
    def said(self) -> tuple[Phrase, ...]:
        """Every phrasing that earns the concept: the rubric's phrases and plain paraphrases."""
        return self.phrases + self.plain


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    """A criterion ready for matching; `shared` marks the criteria every topic uses."""

    id: str
    name: str
    weight: float
    tip: str
    shared: bool
    concepts: tuple[CompiledConcept, ...]


@dataclass(frozen=True, slots=True)
class CompiledRubric:
    """A rubric ready for matching, plus the stems that say an answer is on its topic."""

    topic: str
    criteria: tuple[CompiledCriterion, ...]
    topic_stems: frozenset[str]
    # (criterion, concept) pairs by stem: where a phrase of the concept starts, and what its
    # bag holds; a sentence is checked only against concepts its own stems point to
    anchored: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict, compare=False)
    bagged: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict, compare=False)


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no function words)."""
    return [stem(w) for w in words(text) if w not in FUNCTION_WORDS]


def compile_phrase(text: str) -> Phrase | None:
    """A phrase's distinct content stems; a lone content word keeps its pinning function words."""
    all_words = words(text)
    content = [stem(w) for w in all_words if w not in FUNCTION_WORDS]
    if len(content) == 1 and len(all_words) > 1:
        content = [stem(w) for w in all_words if w not in LOOSE_FUNCTION_WORDS]
    chosen = content or [stem(w) for w in all_words]
    if not chosen:
        return None
    distinct = tuple(dict.fromkeys(chosen))
    if len(distinct) == 1 and len(chosen) > 1:
        # a repeated word ("end to end", "step by step") would shrink to one loose word
        return Phrase(tuple(stem(w) for w in all_words), len(all_words), exact=True)
    meaningful = {s for s in distinct if s not in FUNCTION_WORDS and s not in GENERIC_STEMS}
    return Phrase(distinct, len(all_words) + _SLACK, pinned=len(meaningful) >= 2)


def _compile_criterion(c: Criterion) -> CompiledCriterion:
    concepts = []
    for concept in c.concepts:
        phrases = _compile_all([concept.name, *concept.phrases])
        plain = tuple(dict.fromkeys(p for text in concept.plain
                                    if (p := compile_plain(text)) is not None))
        concepts.append(CompiledConcept(concept.name, phrases, wording=tuple(concept.phrases),
                                        plain=plain))
    return CompiledCriterion(c.id, c.name, c.weight, c.tip,
                             c.id in SHARED_CRITERIA, tuple(concepts))


def compile_plain(text: str) -> Phrase | None:
    """A plain paraphrase as every one of its words, side by side and in order: everyday words
    taken loosely match anything ("numbers from" would be "number" anywhere near "from"), so
    only the expression itself counts. A single word is not a paraphrase."""
    found = [stem(w) for w in words(text)]
    if len(found) < 2:
        return None
    return Phrase(tuple(found), len(found), exact=True)


def _compile_all(texts: Iterable[str]) -> tuple[Phrase, ...]:
    """The phrasings that are specific enough to match, each once."""
    return tuple(dict.fromkeys(p for text in texts
                               if (p := compile_phrase(text)) is not None and _specific_enough(p)))


def _specific_enough(p: Phrase) -> bool:
    """Drop one-word phrases made of a generic word; they match almost any answer."""
    return not (len(p.stems) == 1 and p.stems[0] in GENERIC_STEMS)


def _topic_stems(criteria: tuple[CompiledCriterion, ...]) -> frozenset[str]:
    own = [c for c in criteria if not c.shared] or list(criteria)
    return frozenset(s for c in own for k in c.concepts for p in k.phrases for s in p.stems
                     if s not in GENERIC_STEMS)


def _with_bags(criteria: tuple[CompiledCriterion, ...]) -> tuple[CompiledCriterion, ...]:
    """Give each concept the stems of its phrases that no more than one other concept uses."""
    seen: dict[str, int] = {}
    for c in criteria:
        for k in c.concepts:
            for s in {s for p in k.phrases for s in p.stems}:
                seen[s] = seen.get(s, 0) + 1
    out = []
    for c in criteria:
        concepts = tuple(
            CompiledConcept(k.name, k.phrases, frozenset(
                s for p in k.phrases for s in p.stems
                if seen[s] <= BAG_MAX_SHARED and s not in GENERIC_STEMS and s not in FUNCTION_WORDS
                and len(s) > 2), k.wording, k.plain)
            for k in c.concepts)
        out.append(CompiledCriterion(c.id, c.name, c.weight, c.tip, c.shared, concepts))
    return tuple(out)


def _index(criteria: tuple[CompiledCriterion, ...],
           stems_of: Callable[[CompiledConcept], Iterable[str]]
           ) -> dict[str, tuple[tuple[int, int], ...]]:
    index: dict[str, dict[tuple[int, int], None]] = {}
    for ci, c in enumerate(criteria):
        for k, concept in enumerate(c.concepts):
            for s in stems_of(concept):
                index.setdefault(s, {})[(ci, k)] = None
    return {s: tuple(pairs) for s, pairs in index.items()}


def _compile(rubric: Rubric) -> CompiledRubric:
    criteria = _with_bags(tuple(_compile_criterion(c) for c in rubric.criteria))
    return CompiledRubric(rubric.topic, criteria, _topic_stems(criteria),
                          anchored=_index(criteria, lambda k: {p.stems[0] for p in k.said}),
                          bagged=_index(criteria, lambda k: k.bag))


_compiled: OrderedDict[str, CompiledRubric] = OrderedDict()


def compiled(rubric: Rubric) -> CompiledRubric:
    """The compiled form of a rubric, built once per distinct rubric and cached (LRU)."""
    key = rubric.model_dump_json()
    hit = _compiled.get(key)
    if hit is not None:
        _compiled.move_to_end(key)
        return hit
    result = _compile(rubric)
    _compiled[key] = result
    while len(_compiled) > _CACHE_SIZE:
        _compiled.popitem(last=False)
    return result


def positions(stems: list[str]) -> dict[str, list[int]]:
    """Where each stem occurs in a sentence."""
    out: dict[str, list[int]] = {}
    for i, s in enumerate(stems):
        out.setdefault(s, []).append(i)
    return out


def phrase_in(phrase: Phrase, where: dict[str, list[int]]) -> bool:
    """True when every stem of the phrase occurs, in any order, within the phrase's span."""
    if any(s not in where for s in phrase.stems):
        return False
    if phrase.exact:
        return any(all(p + i in where[s] for i, s in enumerate(phrase.stems))
                   for p in where[phrase.stems[0]])
    if len(phrase.stems) == 1:
        return True
    hits = sorted((p, s) for s in phrase.stems for p in where[s])
    need = len(phrase.stems)
    counts: dict[str, int] = {}
    left = 0
    for pos, s in hits:
        counts[s] = counts.get(s, 0) + 1
        while len(counts) == need:
            if pos - hits[left][0] < phrase.span:
                return True
            gone = hits[left][1]
            counts[gone] -= 1
            if not counts[gone]:
                del counts[gone]
            left += 1
    return False


def concept_in(concept: CompiledConcept, where: dict[str, list[int]]) -> bool:
    """True when any phrasing of the concept occurs in a sentence."""
    return any(phrase_in(p, where) for p in concept.said)


def concept_pinned(concept: CompiledConcept, where: dict[str, list[int]]) -> bool:
    """True when a phrasing of two or more meaningful words occurs: stronger evidence than a
    lone word, which an unrelated sentence may use in another sense. Plain paraphrases never
    pin: their everyday words ("try again", "what we lose") are said about anything."""
    return any(p.pinned and phrase_in(p, where) for p in concept.phrases)


def concept_near(concept: CompiledConcept, content: frozenset[str]) -> bool:
    """A loose match: the sentence uses at least two of the concept's distinctive stems."""
    return len(concept.bag & content) >= BAG_MIN_HITS


Matches = tuple[frozenset[int], ...]  # per criterion, the indices of the concepts matched


def find_concepts(rubric: CompiledRubric, where: dict[str, list[int]], content: frozenset[str]
                  ) -> tuple[Matches, Matches]:
    """Per criterion, the concepts a sentence matches exactly and those it matches only loosely.

    Only concepts one of the sentence's stems points to are tried, so the cost follows the
    sentence's length, not the size of the rubric. An everyday expression for a term
    (prompts/offline/synonyms.yaml) earns what the term earns: the exact match only, since
    the loose one counts the sentence's own words."""
    where = with_terms(where, synonym_table())
    hard: list[set[int]] = [set() for _ in rubric.criteria]
    for ci, k in {pair for s in where for pair in rubric.anchored.get(s, ())}:
        if concept_in(rubric.criteria[ci].concepts[k], where):
            hard[ci].add(k)
    bag_hits: dict[tuple[int, int], int] = {}
    for s in content:
        for pair in rubric.bagged.get(s, ()):
            bag_hits[pair] = bag_hits.get(pair, 0) + 1
    near: list[set[int]] = [set() for _ in rubric.criteria]
    for (ci, k), hits in bag_hits.items():
        if hits >= BAG_MIN_HITS and k not in hard[ci]:
            near[ci].add(k)
    # built in index order, as iterating them decides the order feedback names concepts in
    return (tuple(frozenset(sorted(h)) for h in hard),
            tuple(frozenset(sorted(n)) for n in near))
